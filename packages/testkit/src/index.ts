export * from './ports';
export * from './postgres';
export * from './temporal-server';
export * from './test-env';
export * from './test-database';
export * from './oauth-server';
export * from './provider-server';
export * from './services';
