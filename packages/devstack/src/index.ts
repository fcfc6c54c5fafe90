export * from './ports';
export * from './postgres';
export * from './temporal-server';
export * from './oauth-server';
export * from './provider-server';
export * from './services';
