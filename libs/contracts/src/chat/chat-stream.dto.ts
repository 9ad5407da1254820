import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

/**
 * The stream lifecycle of a chat turn (docs/adr/0006-chat-stream-lifecycle.md): every streamed turn
 * has a `stream_id`; its events are kept in Redis so any gateway can replay them (`Last-Event-ID`),
 * an explicit stop reaches whichever ai-router replica generates it, and the turn is stored once.
 */

/** How a stored turn ended. `failed`: the provider broke after some text (the text so far is kept). */
export const TURN_STATUSES = ['complete', 'stopped', 'incomplete', 'failed'] as const;
export type TurnStatus = (typeof TURN_STATUSES)[number];

/** A stream's state in its meta hash: `pending` (accepted by a gateway), `running`, then a turn status. */
export type StreamState = 'pending' | 'running' | TurnStatus;
export const TERMINAL_STREAM_STATES: readonly StreamState[] = TURN_STATUSES;

/** What created the stream (chat text or a voice turn); both are stopped the same way. */
export type StreamKind = 'chat' | 'voice';

/**
 * Redis keys of one stream. The `{<stream_id>}` hash tag keeps a stream's keys in one Redis Cluster
 * slot, so the claim script and the end-of-stream transaction touch one slot.
 */
export const chatStreamKeys = (streamId: string) => ({
  /** Hash: user_id, kind, status (StreamState), replica, hb (ms epoch of the last heartbeat), stop ("1" once asked), stored ("1" once the turn is written). */
  meta: `nitro:chat:stream:{${streamId}}:meta`,
  /** Redis Stream of the turn's events; entry id `0-<seq>`, field `e` = the event as JSON. */
  events: `nitro:chat:stream:{${streamId}}:events`,
  /** Exists while some gateway replays the stream to a client (PX READER_TTL_MS, refreshed every READER_HEARTBEAT_MS). */
  readers: `nitro:chat:stream:{${streamId}}:readers`,
});

/** Idempotency-Key -> stream_id for one user (the key is hashed by the gateway: any header value is safe). */
export const chatIdempotencyKey = (userId: string, keyDigest: string) => `nitro:chat:idem:{u:${userId}}:${keyDigest}`;

/** Pub/sub channel every ai-router replica listens on; the message is a stream_id to stop. */
export const CHAT_STREAM_STOP_CHANNEL = 'nitro:chat:streams:stop';

/** A reader refreshes its presence this often (ms) and the presence key lives READER_TTL_MS. */
export const READER_HEARTBEAT_MS = 2_000;
export const READER_TTL_MS = 5_000;
/** A running generator refreshes `hb` this often (ms); a reader calls the stream lost after STREAM_LOST_AFTER_MS without one. */
export const GENERATOR_HEARTBEAT_MS = 3_000;
export const STREAM_LOST_AFTER_MS = 12_000;

/** `GET /chat/streams/{stream_id}` and `POST /chat/streams/{stream_id}/stop`. */
export class ChatStreamParams {
  @ApiProperty({
    format: 'uuid',
    description:
      "The stream_id from the `start` event or the X-Stream-Id header. Unknown ids, malformed ids and other users' streams are all 404.",
  })
  @IsString()
  stream_id!: string;
}

export class ChatStreamStopResponseDto {
  @ApiProperty({ format: 'uuid' })
  stream_id!: string;
  @ApiProperty({
    enum: ['pending', 'running', ...TURN_STATUSES],
    description: 'The state after the stop: normally "stopped"; a turn that had already ended keeps its own status.',
  })
  status!: StreamState;
}
