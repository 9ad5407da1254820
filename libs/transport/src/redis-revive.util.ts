import type { Redis } from 'ioredis';

/** ioredis's message for a command or connect on a closed connection (its CONNECTION_CLOSED_ERROR_MSG). */
const CONNECTION_CLOSED = 'Connection is closed.';

/**
 * Keeps a client alive through an end nobody asked for. ioredis 6 gives up on a client for good (status `end`: every
 * later command fails with "Connection is closed.") when its connector is closed while a reconnect is under way: in a
 * Sentinel failover, the old connection's failover detector closes it on +switch-master while the reconnect is asking the
 * sentinels (https://github.com/redis/ioredis/issues/1683; one of our CI runs saw ai-router answer 503 for 10 s after a
 * promotion). That case is told apart by its error, emitted while connecting: a `quit()` or `disconnect()` of ours emits
 * none (ioredis mutes it), so a deliberate close stays closed. The client connects again after `delayMs`.
 */
export function reconnectAfterUnaskedEnd(client: Redis, delayMs: number): void {
  let closedWhileConnecting = false;
  client.on('error', (err: Error) => {
    if (err?.message === CONNECTION_CLOSED && client.status === 'connecting') closedWhileConnecting = true;
  });
  client.on('ready', () => (closedWhileConnecting = false));
  client.on('end', () => {
    if (!closedWhileConnecting) return;
    closedWhileConnecting = false;
    setTimeout(() => void client.connect().catch(() => undefined), delayMs).unref();
  });
}
