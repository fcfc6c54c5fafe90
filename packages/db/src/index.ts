export * from './client';
export * from './errors';
export * from './transaction';
export * from './migrate';
export * from './liveness';
export * from './events';
export * from './pauses';
export * from './audit';
