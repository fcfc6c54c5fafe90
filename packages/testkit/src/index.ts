export * from './test-env';
export * from './test-database';
export * from './api';
export * from './hostile-expectations';
// the jest global set-up's services, for scripts that need the same stack outside jest
export { default as startTestServices } from './jest/global-setup';
export { default as stopTestServices } from './jest/global-teardown';
