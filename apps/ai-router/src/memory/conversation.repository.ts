import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { getLogger } from '@nitro/observability';
import {
  type ChatBranchInfoDto,
  type ChatMessageDto,
  type ChatSessionDto,
  cutGraphemes,
  type ForkKind,
  visibleText,
} from '@nitro/contracts';
import {
  APPEND_SCRIPT,
  DELETE_SCRIPT,
  FORK_SCRIPT,
  SELECT_SCRIPT,
  STATS_FORGET_SCRIPT,
  STATS_NOTE_SCRIPT,
  STATS_SCRIPT,
} from './conversation.scripts';
import { literalMatcher, snippetAround } from './session-search.util';

/** Conversation titles: the first user message, visible text only, cut to this many grapheme clusters. */
const TITLE_GRAPHEMES = 80;

export type StoredMessage = ChatMessageDto;

/**
 * The transport request a write belongs to: `requestKey` from `RedisStreamsContext.getRequestKey()`, and how long
 * (seconds) that request can still be delivered again, i.e. until its deadline, with a margin.
 */
export interface Delivery {
  requestKey: string;
  ttlSeconds: number;
}

export interface ConversationOptions {
  /** Key prefix; every key lives under it (default nitro:chat:). */
  prefix: string;
  /** Idle TTL: a conversation untouched this long is gone. */
  ttlSeconds: number;
  /** Messages kept per conversation. */
  maxStored: number;
}

export const CONVERSATION_OPTIONS = Symbol('CONVERSATION_OPTIONS');

/**
 * Conversation memory in Redis. Per user (hash tag `{u:<user>}`, one Redis Cluster slot): a sorted set
 * of session ids by last write, a list of JSON messages per session, and first-message titles. Global
 * (`{chat-stats}`): the active-session index and the message count behind chat.stats. All keys idle-expire after the TTL, refreshed on every write.
 */
export class ConversationRepository {
  private readonly shas = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly opts: ConversationOptions,
  ) {}

  /**
   * Appends messages (oldest first), trims to the cap, refreshes TTLs. Returns the stored count.
   * With `delivery` (the transport request that carries this turn) the messages are written once per request: a
   * redelivered request (ADR 0001: at-least-once) writes nothing and gets the count as it is.
   */
  async append(userId: string, sessionId: string, messages: StoredMessage[], now = Date.now(), delivery?: Delivery): Promise<number> {
    const title = cutGraphemes(visibleText(messages.find((m) => m.role === 'user')?.content ?? ''), TITLE_GRAPHEMES);
    const keys = [this.list(userId, sessionId), this.sessions(userId), this.titles(userId), this.forks(userId, sessionId)];
    if (delivery) keys.push(this.delivery(userId, delivery.requestKey));
    const args = [
      this.opts.ttlSeconds,
      this.opts.maxStored,
      now,
      sessionId,
      title,
      delivery?.ttlSeconds ?? 0,
      ...messages.map((m) => JSON.stringify(m)),
    ];
    const n = Number(await this.run(APPEND_SCRIPT, keys, args));
    // The chat.stats counters are a summary that may lag (the lists are the truth): off the reply's path, one round trip
    // fewer per turn. Sent on the same connection, so this replica's next command sees them.
    this.run(STATS_NOTE_SCRIPT, this.statsKeys(), [now, `${userId}/${sessionId}`, n]).catch((err) =>
      getLogger().warn({ reason: (err as Error).message }, 'chat.stats counters not updated'),
    );
    return n;
  }

  /** How many messages a session holds (positions are counted from its first message, 0). */
  count(userId: string, sessionId: string): Promise<number> {
    return this.redis.llen(this.list(userId, sessionId));
  }

  /** Renames a live session; false when there is no such session. */
  async rename(userId: string, sessionId: string, title: string, now = Date.now()): Promise<boolean> {
    const at = await this.redis.zscore(this.sessions(userId), sessionId);
    if (at === null || Number(at) < this.cutoff(now)) return false;
    await this.redis
      .multi()
      .hset(this.titles(userId), sessionId, cutGraphemes(visibleText(title), TITLE_GRAPHEMES * 2))
      .expire(this.titles(userId), this.opts.ttlSeconds)
      .exec();
    return true;
  }

  /**
   * Sets messages[index..] aside as an alternative (conversation.scripts.ts): kept at `index` for an edit (versions of the
   * question), at `index + 1` for a regenerate (answers to it; each version of a question keeps its own). Returns the
   * alternatives' count there, 0 when there is no message at index, -1 when it is not a user message.
   */
  async fork(userId: string, sessionId: string, index: number, kind: ForkKind): Promise<number> {
    return Number(
      await this.run(FORK_SCRIPT, [this.list(userId, sessionId), this.forks(userId, sessionId)], [index, kind, this.opts.ttlSeconds]),
    );
  }

  /** Shows alternative `variant` (0-based) of the entry at `index` (a key of branches()); false when there is none such. */
  async selectBranch(userId: string, sessionId: string, index: number, variant: number): Promise<boolean> {
    return (
      Number(
        await this.run(
          SELECT_SCRIPT,
          [this.list(userId, sessionId), this.forks(userId, sessionId)],
          [index, variant, this.opts.ttlSeconds],
        ),
      ) === 1
    );
  }

  /** The alternatives of a session by position: how many, which one is shown, how they were made. */
  async branches(userId: string, sessionId: string): Promise<Record<string, ChatBranchInfoDto>> {
    const all = await this.redis.hgetall(this.forks(userId, sessionId));
    const out: Record<string, ChatBranchInfoDto> = {};
    for (const [pos, raw] of Object.entries(all)) {
      try {
        const e = JSON.parse(raw) as { v: unknown[]; a: number; k?: ForkKind; b?: number };
        // An entry without `b` (from before Regenerate had its own field) holds versions of the question at its position.
        out[pos] = { count: e.v.length, active: e.a - 1, kind: e.k === 'regenerate' && e.b !== undefined ? 'regenerate' : 'edit' };
      } catch {
        /* a corrupt entry hides its alternatives, not the conversation */
      }
    }
    return out;
  }

  /** The last `limit` messages of a session, oldest first. */
  async messages(userId: string, sessionId: string, limit: number): Promise<StoredMessage[]> {
    if (limit <= 0) return [];
    const raw = await this.redis.lrange(this.list(userId, sessionId), -limit, -1);
    return raw.flatMap((r) => {
      try {
        return [JSON.parse(r) as StoredMessage];
      } catch {
        return []; // a corrupt entry must not break the whole history
      }
    });
  }

  /** The most recently written live session, if any. */
  async latestSession(userId: string, now = Date.now()): Promise<string | undefined> {
    const [id] = await this.redis.zrevrangebyscore(this.sessions(userId), '+inf', this.cutoff(now), 'LIMIT', 0, 1);
    return id;
  }

  /** Live sessions, most recent first, with message counts and titles. */
  async listSessions(userId: string, now = Date.now()): Promise<ChatSessionDto[]> {
    await this.forgetExpired(userId, now);
    const flat = await this.redis.zrevrange(this.sessions(userId), 0, -1, 'WITHSCORES');
    const ids: { id: string; at: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) ids.push({ id: flat[i], at: Number(flat[i + 1]) });
    if (!ids.length) return [];
    const pipe = this.redis.pipeline();
    for (const { id } of ids) pipe.llen(this.list(userId, id));
    // A conversation whose shown version is empty (a Regenerate at its first question whose answer never came) still
    // has its other versions: it stays listed, so it can be opened and switched back.
    for (const { id } of ids) pipe.exists(this.forks(userId, id));
    pipe.hmget(this.titles(userId), ...ids.map((s) => s.id));
    const res = (await pipe.exec()) ?? [];
    const titles = (res[2 * ids.length]?.[1] as (string | null)[]) ?? [];
    return ids
      .map(({ id, at }, i) => ({
        session_id: id,
        message_count: Number(res[i]?.[1] ?? 0),
        versions: Number(res[ids.length + i]?.[1] ?? 0),
        updated_at: new Date(at).toISOString(),
        ...(titles[i] ? { title: titles[i] as string } : {}),
      }))
      .filter((s) => s.message_count > 0 || s.versions > 0)
      .map(({ versions: _versions, ...s }) => s);
  }

  /**
   * Live sessions whose title or a stored message's text (the shown version, not set-aside alternatives) contains `q`
   * (literalMatcher: case-insensitive, Unicode-aware), most recent first. `snippet`: the first matching message around
   * the match, when a message matched. Reads each live conversation whole: at most `maxStored` messages each.
   */
  async searchSessions(userId: string, q: string, now = Date.now()): Promise<ChatSessionDto[]> {
    const sessions = await this.listSessions(userId, now);
    if (!sessions.length) return [];
    const re = literalMatcher(visibleText(q));
    const pipe = this.redis.pipeline();
    for (const s of sessions) pipe.lrange(this.list(userId, s.session_id), 0, -1);
    const lists = (await pipe.exec()) ?? [];
    return sessions.flatMap((s, i) => {
      let snippet: string | undefined;
      for (const raw of (lists[i]?.[1] as string[] | undefined) ?? []) {
        try {
          snippet = snippetAround(visibleText((JSON.parse(raw) as StoredMessage).content ?? ''), re);
        } catch {
          /* a corrupt entry is skipped, as in messages() */
        }
        if (snippet !== undefined) break;
      }
      if (snippet !== undefined) return [{ ...s, snippet }];
      return s.title && re.test(s.title) ? [s] : [];
    });
  }

  /** Deletes the given sessions, or all of the user's. Returns how many messages were removed. */
  async deleteSessions(userId: string, sessionIds?: string[]): Promise<number> {
    const ids = sessionIds ?? (await this.redis.zrange(this.sessions(userId), '0', '-1'));
    if (!ids.length) return 0;
    const keys = [this.sessions(userId), this.titles(userId), ...ids.map((id) => this.list(userId, id))];
    const cleared = Number(await this.run(DELETE_SCRIPT, keys, ids));
    await this.run(
      STATS_FORGET_SCRIPT,
      this.statsKeys(),
      ids.map((id) => `${userId}/${id}`),
    );
    await this.redis.del(...ids.map((id) => this.forks(userId, id)));
    return cleared;
  }

  /** Live sessions and stored messages across all users. */
  async stats(now = Date.now()): Promise<{ sessions_active: number; total_messages: number }> {
    const [sessions, messages] = (await this.run(STATS_SCRIPT, this.statsKeys(), [this.cutoff(now)])) as [number, number];
    return { sessions_active: Number(sessions), total_messages: Math.max(0, Number(messages)) };
  }

  private async forgetExpired(userId: string, now: number): Promise<void> {
    const gone = await this.redis.zrangebyscore(this.sessions(userId), '-inf', `(${this.cutoff(now)}`);
    if (gone.length)
      await this.redis
        .multi()
        .zrem(this.sessions(userId), ...gone)
        .hdel(this.titles(userId), ...gone)
        .exec();
  }

  private cutoff(now: number): number {
    return now - this.opts.ttlSeconds * 1000;
  }

  /** EVALSHA, loading the script on NOSCRIPT (a restarted Redis forgets them). */
  private async run(script: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.shas.set(script, sha);
    }
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }

  private key(name: string): string {
    return `${this.opts.prefix}${name}`;
  }
  /** The global counters behind chat.stats: one Redis Cluster slot of their own (`{chat-stats}`). */
  private statsKeys(): string[] {
    return [this.key('{chat-stats}:active'), this.key('{chat-stats}:counts'), this.key('{chat-stats}:total')];
  }
  // A user's keys share the hash tag {u:<user>}: the scripts above touch one Redis Cluster slot.
  /** A request that wrote a turn (hashed: request keys hold the client's host name). */
  private delivery(userId: string, requestKey: string): string {
    return this.key(`{u:${userId}}:delivered:${createHash('sha256').update(requestKey).digest('base64url').slice(0, 22)}`);
  }
  private list(userId: string, sessionId: string): string {
    return this.key(`{u:${userId}}:s:${sessionId}`);
  }
  private forks(userId: string, sessionId: string): string {
    return this.key(`{u:${userId}}:s:${sessionId}:forks`);
  }
  private sessions(userId: string): string {
    return this.key(`{u:${userId}}:sessions`);
  }
  private titles(userId: string): string {
    return this.key(`{u:${userId}}:titles`);
  }
}
