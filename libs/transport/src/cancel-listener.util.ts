import type { Logger } from '@nestjs/common';
import type { RedisEndpoint } from './redis-client.factory';
import { createRedisConnection, openConnection, type TransportRedis } from './redis-connection.factory';
import { cancelChannel } from './transport.constants';

/**
 * Subscribes to this consumer's cancel channel (ADR 0001, cancellation): a client that stops
 * listening publishes `<replyTo>|<requestId>` there, and `onCancel` gets that key.
 * @returns the subscriber connection (the caller disconnects it on close)
 */
export async function listenForCancels(
  redisUrl: RedisEndpoint,
  consumer: string,
  log: Logger,
  onCancel: (key: string) => void,
): Promise<TransportRedis> {
  const sub = createRedisConnection(redisUrl, { name: `${consumer}:cancel`, blocking: true }, log);
  await openConnection(sub);
  sub.on('message', (_channel: string, key: string) => onCancel(key));
  await sub.subscribe(cancelChannel(consumer));
  return sub;
}
