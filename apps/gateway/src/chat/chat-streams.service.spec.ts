import { BadRequestException, NotFoundException } from '@nestjs/common';
import { EMPTY, of } from 'rxjs';
import type { ChatStreamEvent } from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import type { ChatStreamRepository, StreamMeta } from './chat-stream.repository';
import { ChatStreamsService } from './chat-streams.service';

const alice: AuthUser = { id: 'alice', role: 'user', via: 'jwt' };
const bob: AuthUser = { id: 'bob', role: 'user', via: 'jwt' };
const admin: AuthUser = { id: 'root', role: 'admin', via: 'jwt' };
const ID = '0b0c8f1e-7d2a-4c1b-9a55-2f1e3d4c5b6a';

/** An in-memory stand-in for the Redis side (the real one is covered by test/e2e/chat-streams). */
class FakeRepo {
  metas = new Map<string, StreamMeta>();
  keys = new Map<string, string>();
  stops: string[] = [];
  followed: [string, number][] = [];
  async register(id: string, owner: { userId: string; caller: string }) {
    this.metas.set(id, { user_id: owner.userId, caller: owner.caller, kind: 'chat', status: 'pending', stored: false });
  }
  async claimIdempotencyKey(userId: string, key: string, id: string, replace = false) {
    const k = `${userId}|${key}`;
    if (replace || !this.keys.has(k)) return void this.keys.set(k, id);
    return this.keys.get(k);
  }
  async meta(id: string) {
    return this.metas.get(id);
  }
  async requestStop(id: string) {
    this.stops.push(id);
    const m = this.metas.get(id);
    if (!m) return false;
    setTimeout(() => (m.status = 'stopped'), 30); // the generator records the end a little later
    return true;
  }
  marked: string[] = [];
  async state(id: string) {
    const m = this.metas.get(id);
    return !m
      ? 'lost'
      : ['complete', 'stopped', 'incomplete', 'failed'].includes(m.status)
        ? 'ended'
        : m.hb && Date.now() - m.hb > 12_000
          ? 'lost'
          : 'live';
  }
  async markLostIfRunning(id: string) {
    this.marked.push(id);
    const m = this.metas.get(id)!;
    if (m.status === 'running') m.status = 'failed';
    return m.status;
  }
  follow(id: string, after: number) {
    this.followed.push([id, after]);
    return EMPTY;
  }
}

function setup() {
  const repo = new FakeRepo();
  return { repo, streams: new ChatStreamsService(repo as unknown as ChatStreamRepository) };
}

describe('ChatStreamsService', () => {
  it('stop: owner or admin; waits until the end is recorded; others get 404, not 403', async () => {
    const { repo, streams } = setup();
    repo.metas.set(ID, { user_id: 'alice', caller: 'alice', kind: 'chat', status: 'running', stored: false });
    await expect(streams.stop(bob, ID)).rejects.toBeInstanceOf(NotFoundException);
    expect(repo.stops).toEqual([]);
    await expect(streams.stop(alice, ID)).resolves.toEqual({ stream_id: ID, status: 'stopped' });
    await expect(streams.stop(admin, ID)).resolves.toEqual({ stream_id: ID, status: 'stopped' });
    await expect(streams.stop(alice, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('stop on a stream whose generator died (no heartbeat): answers "failed" at once, so a retry may generate it again', async () => {
    const { repo, streams } = setup();
    repo.metas.set(ID, { user_id: 'alice', caller: 'alice', kind: 'chat', status: 'running', hb: Date.now() - 60_000, stored: false });
    await expect(streams.stop(alice, ID)).resolves.toEqual({ stream_id: ID, status: 'failed' });
    expect(repo.stops).toEqual([]);
    expect(repo.marked).toEqual([ID]);
  });

  it('resume: owner only, from the Last-Event-ID; a malformed id is a 400 naming the header', async () => {
    const { repo, streams } = setup();
    repo.metas.set(ID, { user_id: 'alice', caller: 'alice', kind: 'chat', status: 'complete', stored: true });
    await streams.resume(alice, ID, '7');
    expect(repo.followed).toEqual([[ID, 7]]);
    await expect(streams.resume(admin, ID, undefined)).rejects.toBeInstanceOf(NotFoundException);
    await expect(streams.resume(alice, ID, '7; drop')).rejects.toThrow(BadRequestException);
    await expect(streams.resume(alice, ID, 'x')).rejects.toThrow(/Last-Event-ID/);
  });

  it('Idempotency-Key: a repeat replays the first turn; after a turn lost unstored, a repeat starts afresh', async () => {
    const { repo, streams } = setup();
    const started: string[] = [];
    const start = (id: string) => (started.push(id), of<ChatStreamEvent>({ type: 'token', text: 'x' }));
    const first = await streams.open(alice, 'alice', 'chat', 'k1', start);
    const again = await streams.open(alice, 'alice', 'chat', 'k1', start);
    expect(again.streamId).toBe(first.streamId);
    expect(started).toEqual([first.streamId]);
    expect(repo.followed).toEqual([[first.streamId, 0]]);
    repo.metas.get(first.streamId)!.status = 'failed'; // REPLICA_LOST: nothing stored
    const retry = await streams.open(alice, 'alice', 'chat', 'k1', start);
    expect(retry.streamId).not.toBe(first.streamId);
    expect(started).toEqual([first.streamId, retry.streamId]);
    await expect(streams.open(alice, 'alice', 'chat', 'bad key with spaces', start)).rejects.toThrow(/Idempotency-Key/);
  });
});
