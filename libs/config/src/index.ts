export * from './load-config';
export * from './common.env';
export * from './gateway.env';
export * from './search.env';
export * from './agents.env';
export * from './ai-router.env';
export * from './voice.env';
export * from './media.env';
