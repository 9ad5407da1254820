import { ReplyError } from 'ioredis';

/**
 * Replies a Redis server gives while it cannot serve for now: loading its data, a cluster or Sentinel
 * failover in progress, a replica promoted away from under a client, a script running too long
 * (https://redis.io/docs/latest/develop/reference/protocol-spec/#simple-errors: the first word is the kind).
 */
const TRANSIENT_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|NOREPLICAS|BUSY)\b/;

/**
 * What ioredis 6 rejects a command with when it cannot reach a server: the closed connection
 * (utils CONNECTION_CLOSED_ERROR_MSG), `commandTimeout`, no offline queue, a cluster with no reachable
 * node, `maxRetriesPerRequest` spent (MaxRetriesPerRequestError, ClusterAllFailedError).
 */
const CLIENT_UNREACHABLE =
  /^(Connection is closed\.|Command timed out|Stream isn't writeable|None of startup nodes is available|Failed to refresh slots cache|Reached the max retries per request limit)/;

/**
 * True when `err` says Redis cannot be used right now (unreachable, timed out, failing over), as
 * opposed to a fault of ours (a wrong command, a WRONGTYPE reply). A request that meets such an
 * error is a 503 to retry shortly, never a 500 (the gateway's error filter uses this: one place).
 */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof ReplyError) return TRANSIENT_REPLY.test(err.message);
  return CLIENT_UNREACHABLE.test(err.message);
}
