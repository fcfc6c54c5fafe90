export * from './client';
export * from './expectations';
export * from './logs';
