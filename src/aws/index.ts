export * from './call-counter';
export * from './client-token';
export * from './clients';
export * from './errors';
export * from './ownership';
export * from './rate-limiter';
export * from './concurrency';
