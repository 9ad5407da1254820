import type { RedisStreamsContext } from '@nitro/transport';
import type { Delivery } from './conversation.repository';

/** Kept past the request's deadline: the claim cycle may hold a redelivery up to claimIdleMs before it drops it. */
const MARGIN_S = 60;

/**
 * The transport request behind a handler call, for writes that must happen once per request
 * (`ConversationRepository.append`): its key, kept until it can no longer be delivered again (its
 * deadline, plus a margin). Undefined without a context (a direct call) or for an event.
 */
export function deliveryOf(ctx: RedisStreamsContext | undefined, now = Date.now()): Delivery | undefined {
  const requestKey = ctx?.getRequestKey();
  const deadline = ctx?.getDeadline() ?? 0;
  if (!requestKey || deadline <= 0) return undefined;
  return { requestKey, ttlSeconds: Math.max(0, Math.ceil((deadline - now) / 1_000)) + MARGIN_S };
}
