export * from './trace-context';
export * from './metrics.registry';
export * from './logger';
export * from './health.tokens';
export * from './health.controller';
export * from './server-timing';
