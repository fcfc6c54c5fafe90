export * from './ids';
export * from './errors';
export * from './redact';
export * from './logger';
export * from './env';
export * from './scope';
export * from './temporal-contract';
export * from './run-schemas';
