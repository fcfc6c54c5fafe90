export * from './test-env';
export * from './test-database';
export * from './api';
export * from './hostile-expectations';
