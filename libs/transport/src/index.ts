export * from './redis-streams.server';
export * from './redis-streams.client';
export * from './redis-streams.context';
export * from './transport.errors';
export * from './transport.options';
export * from './transport.module';
export {
  requestStreamKey,
  replyStreamKey,
  presenceKey,
  PATTERN_NOT_FOUND,
  DEFAULT_CLAIM_IDLE_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_LEN,
  DEFAULT_TIMEOUT_MS,
} from './transport.constants';
export * from './clients/ai-router.client';
export * from './claim-check';
export * from './bullmq-connection';
export * from './bullmq-job-follower.util';
export * from './redis-client.factory';
export * from './redis-errors.util';
export * from './bullmq-objects.util';
export * from './lazy-resource.util';
