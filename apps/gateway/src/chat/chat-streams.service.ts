import { BadRequestException, HttpException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { lastValueFrom, Observable, reduce } from 'rxjs';
import {
  STREAM_LOST_AFTER_MS,
  TERMINAL_STREAM_STATES,
  type ChatResponseDto,
  type ChatStreamEvent,
  type ChatStreamStopResponseDto,
  type StreamKind,
  ERROR_CODE,
} from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import { ChatStreamRepository, type StreamMeta } from './chat-stream.repository';

/** A tracked turn as the gateway serves it. */
export interface OpenedStream {
  streamId: string;
  /** Numbered events: live from ai-router, or replayed from the log for a repeated Idempotency-Key. */
  events: Observable<ChatStreamEvent>;
}

/** `Idempotency-Key`: 1-255 visible ASCII characters (https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** `Last-Event-ID`: the decimal `id:` of an event of this stream. */
const LAST_EVENT_ID = /^\d{1,15}$/;
/** How long (s) a stream found dead stays readable (its log and meta). */
const LOST_TTL_S = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A stop waits this long (ms) for the generator to record the end before it answers. */
const STOP_WAIT_MS = 5_000;

/**
 * The stream lifecycle at the edge (docs/adr/0006-chat-stream-lifecycle.md): opening tracked turns
 * (with Idempotency-Key), resuming with Last-Event-ID on any gateway, and explicit stop. Streams of
 * other users are 404, never 403, so their existence is not confirmed.
 */
@Injectable()
export class ChatStreamsService {
  constructor(private readonly repo: ChatStreamRepository) {}

  /**
   * Registers a new stream for `ownerId` and starts it with `start(streamId)`, unless the
   * Idempotency-Key already names a turn: then that turn's events are replayed from the start
   * (a turn lost with its replica, stored nowhere, is started again under the same key).
   * @throws BadRequestException naming `Idempotency-Key` when the header is malformed.
   */
  async open(
    user: AuthUser,
    ownerId: string,
    kind: StreamKind,
    idempotencyKey: string | undefined,
    start: (streamId: string) => Observable<ChatStreamEvent>,
  ): Promise<OpenedStream> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: 'Idempotency-Key must be 1-255 visible ASCII characters',
      });
    }
    const streamId = await this.register(user, ownerId, kind);
    if (idempotencyKey) {
      const existing = await this.repo.claimIdempotencyKey(ownerId, idempotencyKey, streamId);
      if (existing) {
        const meta = await this.repo.meta(existing);
        if (meta && !lostUnstored(meta)) return { streamId: existing, events: this.repo.follow(existing, 0) };
        await this.repo.claimIdempotencyKey(ownerId, idempotencyKey, streamId, true);
      }
    }
    return { streamId, events: start(streamId) };
  }

  /** A new tracked stream for `ownerId`, `pending` until ai-router claims it; returns its stream_id. */
  async register(user: AuthUser, ownerId: string, kind: StreamKind): Promise<string> {
    const streamId = randomUUID();
    await this.repo.register(streamId, { userId: ownerId, caller: user.id }, kind);
    return streamId;
  }

  /**
   * Events after `lastEventId` (the `Last-Event-ID` header; none: from the start), then live.
   * @throws NotFoundException for an unknown stream or another user's; BadRequestException for a malformed id.
   */
  async resume(user: AuthUser, streamId: string, lastEventId: string | undefined): Promise<Observable<ChatStreamEvent>> {
    if (lastEventId !== undefined && !LAST_EVENT_ID.test(lastEventId.trim())) {
      throw new BadRequestException({
        error: ERROR_CODE.VALIDATION_FAILED,
        message: 'Last-Event-ID must be the decimal id of an event of this stream',
      });
    }
    await this.ownMeta(user, streamId, false);
    return this.repo.follow(streamId, lastEventId ? Number(lastEventId.trim()) : 0);
  }

  /**
   * Stops generation on whichever ai-router replica runs the stream and waits (up to 5 s) until the
   * turn is stored; a stream that had already ended keeps and returns its status.
   * @throws NotFoundException unless the caller owns the stream or is an admin.
   */
  async stop(user: AuthUser, streamId: string): Promise<ChatStreamStopResponseDto> {
    const meta = await this.ownMeta(user, streamId, true);
    if (isTerminal(meta)) return { stream_id: streamId, status: meta.status };
    if (lostUnstored(meta)) return { stream_id: streamId, status: (await this.repo.markLostIfRunning(streamId, LOST_TTL_S)) ?? 'failed' };
    if (!(await this.repo.requestStop(streamId))) throw notFound(streamId);
    const until = Date.now() + STOP_WAIT_MS;
    let now: StreamMeta | undefined = meta;
    while (now && !isTerminal(now) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      now = await this.repo.meta(streamId);
    }
    // Still not ended: its generator may have died just now (no heartbeat for STREAM_LOST_AFTER_MS).
    if (now && !isTerminal(now) && (await this.repo.state(streamId)) === 'lost')
      return { stream_id: streamId, status: (await this.repo.markLostIfRunning(streamId, LOST_TTL_S)) ?? 'failed' };
    return { stream_id: streamId, status: now?.status ?? meta.status };
  }

  /** A tracked turn's events folded into the JSON answer of POST /chat; an error event becomes its HTTP error. */
  async collect(events: Observable<ChatStreamEvent>): Promise<ChatResponseDto> {
    const all = await lastValueFrom(events.pipe(reduce((acc, e) => [...acc, e], [] as ChatStreamEvent[])));
    const end = all[all.length - 1];
    if (!end || end.type === 'error')
      throw new HttpException(
        { error: end?.code ?? 'INCOMPLETE_ANSWER', message: end?.message ?? 'the answer ended without a result' },
        end?.status ?? 502,
      );
    if (end.type !== 'done')
      throw new HttpException({ error: ERROR_CODE.INCOMPLETE_ANSWER, message: 'the answer ended without a result' }, 502);
    const meta = all.find((e): e is Extract<ChatStreamEvent, { type: 'meta' }> => e.type === 'meta');
    return {
      response: end.response,
      ai_model: end.ai_model,
      ai_source: end.ai_source,
      timestamp: end.timestamp,
      session_id: end.session_id,
      fallbacks: meta?.fallbacks ?? [],
      usage: end.usage,
      finish_reason: end.finish_reason,
      status: end.status ?? 'complete',
    };
  }

  private async ownMeta(user: AuthUser, streamId: string, adminToo: boolean): Promise<StreamMeta> {
    const meta = UUID.test(streamId) ? await this.repo.meta(streamId) : undefined;
    const mine = !!meta && (meta.user_id === user.id || meta.caller === user.id || (adminToo && user.role === 'admin'));
    if (!meta || !mine) throw notFound(streamId);
    return meta;
  }
}

/** Ended without storing anything (a provider error, a dead replica): a retry may generate the turn afresh. */
function lostUnstored(meta: StreamMeta): boolean {
  if (meta.status === 'failed') return !meta.stored;
  return meta.status === 'running' && !!meta.hb && Date.now() - meta.hb > STREAM_LOST_AFTER_MS;
}

function isTerminal(meta: StreamMeta): boolean {
  return TERMINAL_STREAM_STATES.includes(meta.status);
}

function notFound(streamId: string): NotFoundException {
  return new NotFoundException({ error: ERROR_CODE.NOT_FOUND, message: `no stream ${streamId}` });
}
