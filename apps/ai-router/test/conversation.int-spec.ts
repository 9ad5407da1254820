import { Redis } from 'ioredis';
import { RedisServerHandle, startRedisServer } from '@nitro/testing';
import type { ChatMessageDto } from '@nitro/contracts';
import { ConversationRepository } from '../src/memory/conversation.repository';

jest.setTimeout(30_000);

const turn = (i: number, at = '2026-01-01T00:00:00.000Z'): ChatMessageDto[] => [
  { role: 'user', content: `question ${i}`, timestamp: at },
  { role: 'assistant', content: `answer ${i}`, timestamp: at, ai_model: 'm', ai_source: 'local' },
];

/** Conversation memory against a real Redis: caps, TTLs, sessions, deletes and the global counters. */
describe('ConversationRepository (real Redis)', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let prefix: string;
  let repo: ConversationRepository;
  let n = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.stop();
  });
  beforeEach(() => {
    prefix = `t${++n}:chat:`; // one key space per test
    repo = new ConversationRepository(redis, { prefix, ttlSeconds: 3600, maxStored: 4 });
  });

  it('stores messages oldest first and keeps only the newest CHAT_MAX_STORED', async () => {
    for (let i = 0; i < 3; i++) expect(await repo.append('u', 's', turn(i))).toBe(Math.min(4, (i + 1) * 2));
    const all = await repo.messages('u', 's', 100);
    expect(all.map((m) => m.content)).toEqual(['question 1', 'answer 1', 'question 2', 'answer 2']);
    expect(all[1]).toEqual({
      role: 'assistant',
      content: 'answer 1',
      timestamp: '2026-01-01T00:00:00.000Z',
      ai_model: 'm',
      ai_source: 'local',
    });
    expect((await repo.messages('u', 's', 1)).map((m) => m.content)).toEqual(['answer 2']);
  });

  it('writes a turn once per transport request: a redelivery of the same request adds nothing', async () => {
    const delivery = { requestKey: 'nitro:rep:host:1:ab|7', ttlSeconds: 90 };
    expect(await repo.append('u', 's', turn(0), Date.now(), delivery)).toBe(2);
    expect(await repo.append('u', 's', turn(0), Date.now(), delivery)).toBe(2);
    // Another request (the same counter from another client instance) is another turn.
    expect(await repo.append('u', 's', turn(1), Date.now(), { requestKey: 'nitro:rep:host:2:cd|7', ttlSeconds: 90 })).toBe(4);
    expect(await repo.append('u', 's', turn(2))).toBe(4); // no delivery: always written (trimmed to the cap)
    expect((await repo.messages('u', 's', 100)).map((m) => m.content)).toEqual(['question 1', 'answer 1', 'question 2', 'answer 2']);
    const markers = await redis.keys(`${prefix}{u:u}:delivered:*`);
    expect(markers).toHaveLength(2);
    for (const key of markers) expect(await redis.ttl(key)).toBeGreaterThan(80);
    expect(markers.join()).not.toContain('host'); // hashed: the client's host name is not spelled out in key names
  });

  it('sets the idle TTL on every key of the conversation, refreshed on write', async () => {
    await repo.append('u', 's', turn(0));
    await redis.expire(`${prefix}{u:u}:s:s`, 10);
    await repo.append('u', 's', turn(1));
    for (const key of ['{u:u}:s:s', '{u:u}:sessions', '{u:u}:titles']) {
      const ttl = await redis.ttl(prefix + key);
      expect(ttl).toBeGreaterThan(3590);
      expect(ttl).toBeLessThanOrEqual(3600);
    }
  });

  it('lists sessions most recent first, with counts and titles; latest session', async () => {
    await repo.append('u', 'old', turn(0), 1_000);
    await repo.append('u', 'new', [{ role: 'user', content: `  Tell me\nabout ${'x'.repeat(100)}`, timestamp: 't' }], Date.now());
    const list = await repo.listSessions('u');
    expect(list.map((s) => [s.session_id, s.message_count])).toEqual([['new', 1]]); // 'old' is past the TTL
    expect(list[0].title).toBe(`Tell me about ${'x'.repeat(66)}`);
    expect(await repo.latestSession('u')).toBe('new');
    expect(await repo.latestSession('nobody')).toBeUndefined();
  });

  it("searches a user's conversations by title and message text: case-insensitive, literal, snippets, one user only", async () => {
    await repo.append('u', 'birds', [
      { role: 'user', content: 'Tell me about birds', timestamp: 't' },
      {
        role: 'assistant',
        content: `${'word '.repeat(20)}The Robin (a.k.a. redbreast) sings at dawn.`,
        timestamp: 't',
        ai_model: 'm',
        ai_source: 'local',
      },
    ]);
    await repo.append('u', 'fish', turn(1));
    await repo.rename('u', 'fish', 'Salmon notes');
    await repo.append('other', 'birds', [{ role: 'user', content: 'robin robin', timestamp: 't' }]);
    await redis.rpush(`${prefix}{u:u}:s:fish`, '{not json'); // a corrupt entry is skipped, not fatal

    const robin = await repo.searchSessions('u', 'ROBIN');
    expect(robin.map((s) => s.session_id)).toEqual(['birds']); // not the other user's
    expect(robin[0].snippet).toMatch(/^….*The Robin \(a\.k\.a\. redbreast\) sings at dawn\.$/);
    expect(robin[0].title).toBe('Tell me about birds');
    // Literal: pattern characters match themselves only.
    expect((await repo.searchSessions('u', 'a.k.a.')).map((s) => s.session_id)).toEqual(['birds']);
    expect(await repo.searchSessions('u', 'a*k')).toEqual([]);
    // A renamed conversation is found by its title (no snippet) and by its messages' text.
    expect(await repo.searchSessions('u', 'salmon')).toEqual([expect.objectContaining({ session_id: 'fish', title: 'Salmon notes' })]);
    expect((await repo.searchSessions('u', 'salmon'))[0].snippet).toBeUndefined();
    expect((await repo.searchSessions('u', 'answer 1'))[0]).toMatchObject({ session_id: 'fish', snippet: 'answer 1' });
    expect(await repo.searchSessions('nobody', 'robin')).toEqual([]);
  });

  it('cuts titles by grapheme clusters and drops invisible code points (issue 14: 80 UTF-16 units ended in U+FFFD)', async () => {
    const family = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}';
    await repo.append('u', 'e', [{ role: 'user', content: `\u200b${'😀'.repeat(79)}${family}${family}`, timestamp: 't' }], Date.now());
    const [{ title }] = await repo.listSessions('u');
    expect(title).toBe(`${'😀'.repeat(79)}${family}`);
    expect(title).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|\ufffd/);
  });

  it('deletes one session or all of a user, returning the number of messages removed', async () => {
    await repo.append('u', 'a', turn(0));
    await repo.append('u', 'b', turn(1));
    await repo.append('u', 'c', turn(2));
    await repo.append('other', 'a', turn(3));
    expect(await repo.deleteSessions('u', ['a'])).toBe(2);
    expect((await repo.listSessions('u')).map((s) => s.session_id).sort()).toEqual(['b', 'c']);
    expect(await repo.deleteSessions('u')).toBe(4);
    expect(await repo.listSessions('u')).toEqual([]);
    expect(await repo.messages('other', 'a', 10)).toHaveLength(2);
    expect(await repo.deleteSessions('u')).toBe(0);
  });

  it('keeps chat.stats consistent through appends, trims, deletes and expiry', async () => {
    expect(await repo.stats()).toEqual({ sessions_active: 0, total_messages: 0 });
    await repo.append('u1', 's', turn(0));
    await repo.append('u1', 's', turn(1));
    await repo.append('u1', 's', turn(2)); // trimmed to 4
    await repo.append('u2', 's', turn(0));
    expect(await repo.stats()).toEqual({ sessions_active: 2, total_messages: 6 });
    await repo.deleteSessions('u2');
    expect(await repo.stats()).toEqual({ sessions_active: 1, total_messages: 4 });
    await repo.append('u3', 's', turn(0), Date.now() - 3_601_000); // last written longer ago than the TTL
    expect(await repo.stats()).toEqual({ sessions_active: 1, total_messages: 4 });
  });

  it('skips a corrupt entry instead of failing the whole history', async () => {
    await repo.append('u', 's', turn(0));
    await redis.rpush(`${prefix}u:u:s:s`, '{not json');
    expect((await repo.messages('u', 's', 10)).map((m) => m.content)).toEqual(['question 0', 'answer 0']);
  });

  it('reloads its scripts after Redis forgot them (SCRIPT FLUSH, restart)', async () => {
    await repo.append('u', 's', turn(0));
    await redis.script('FLUSH');
    expect(await repo.append('u', 's', turn(1))).toBe(4);
  });

  describe('branches (Regenerate, Edit)', () => {
    const say = (q: string, a: string): ChatMessageDto[] => [
      { role: 'user', content: q, timestamp: '2026-01-01T00:00:00.000Z' },
      { role: 'assistant', content: a, timestamp: '2026-01-01T00:00:00.000Z' },
    ];
    const shown = async () => (await repo.messages('u', 's', 100)).map((m) => m.content);
    beforeEach(() => {
      repo = new ConversationRepository(redis, { prefix, ttlSeconds: 3600, maxStored: 100 });
    });

    it('Regenerate keeps answers at the answer, Edit versions at the question: Regenerate then Edit nests, not mixes', async () => {
      await repo.append('u', 's', say('red kite', 'red 1'));
      expect(await repo.fork('u', 's', 0, 'regenerate')).toBe(2);
      await repo.append('u', 's', say('red kite', 'red 2'));
      expect(await repo.branches('u', 's')).toEqual({ '1': { count: 2, active: 1, kind: 'regenerate' } });

      expect(await repo.fork('u', 's', 0, 'edit')).toBe(2);
      await repo.append('u', 's', say('blue kite', 'blue 1'));
      // The question has two versions; the red version's two answers went aside with it.
      expect(await repo.branches('u', 's')).toEqual({ '0': { count: 2, active: 1, kind: 'edit' } });
      expect(await shown()).toEqual(['blue kite', 'blue 1']);

      expect(await repo.selectBranch('u', 's', 0, 0)).toBe(true);
      expect(await shown()).toEqual(['red kite', 'red 2']);
      expect(await repo.branches('u', 's')).toEqual({
        '0': { count: 2, active: 0, kind: 'edit' },
        '1': { count: 2, active: 1, kind: 'regenerate' },
      });
      expect(await repo.selectBranch('u', 's', 1, 0)).toBe(true);
      expect(await shown()).toEqual(['red kite', 'red 1']);

      // Back to blue and regenerate there: blue gets its own answers, red keeps its own.
      expect(await repo.selectBranch('u', 's', 0, 1)).toBe(true);
      expect(await repo.fork('u', 's', 0, 'regenerate')).toBe(2);
      await repo.append('u', 's', say('blue kite', 'blue 2'));
      expect(await repo.branches('u', 's')).toEqual({
        '0': { count: 2, active: 1, kind: 'edit' },
        '1': { count: 2, active: 1, kind: 'regenerate' },
      });
      expect(await repo.selectBranch('u', 's', 0, 0)).toBe(true);
      expect(await shown()).toEqual(['red kite', 'red 1']);
      expect((await repo.branches('u', 's'))['1']).toEqual({ count: 2, active: 0, kind: 'regenerate' });
      expect(await repo.selectBranch('u', 's', 0, 1)).toBe(true);
      expect(await shown()).toEqual(['blue kite', 'blue 2']);
    });

    it('branches further down go aside with the version they belong to', async () => {
      await repo.append('u', 's', [...say('q0', 'a0'), ...say('q1', 'a1')]);
      expect(await repo.fork('u', 's', 2, 'regenerate')).toBe(2);
      await repo.append('u', 's', say('q1', 'a1 again'));
      expect(await repo.fork('u', 's', 0, 'edit')).toBe(2);
      await repo.append('u', 's', say('other q0', 'other a0'));
      expect(await repo.branches('u', 's')).toEqual({ '0': { count: 2, active: 1, kind: 'edit' } });
      expect(await repo.selectBranch('u', 's', 0, 0)).toBe(true);
      expect(await shown()).toEqual(['q0', 'a0', 'q1', 'a1 again']);
      expect((await repo.branches('u', 's'))['3']).toEqual({ count: 2, active: 1, kind: 'regenerate' });
    });

    it('a Regenerate whose answer never came is dropped when the person goes back; forks at an answer are refused', async () => {
      await repo.append('u', 's', say('q', 'a'));
      expect(await repo.fork('u', 's', 1, 'regenerate')).toBe(-1);
      expect(await repo.fork('u', 's', 5, 'regenerate')).toBe(0);
      expect(await repo.fork('u', 's', 0, 'regenerate')).toBe(2);
      expect(await shown()).toEqual([]);
      expect((await repo.listSessions('u')).map((x) => x.session_id)).toEqual(['s']); // listed while it has versions
      expect(await repo.selectBranch('u', 's', 1, 2)).toBe(false);
      expect(await repo.selectBranch('u', 's', 1, 0)).toBe(true);
      expect(await shown()).toEqual(['q', 'a']);
      expect(await repo.branches('u', 's')).toEqual({});
    });

    it('an entry stored before Regenerate had its own field still switches, as versions of its question', async () => {
      await repo.append('u', 's', say('new q', 'new a'));
      const old = { m: say('old q', 'old a').map((m) => JSON.stringify(m)), f: {} };
      await redis.hset(`${prefix}{u:u}:s:s:forks`, '0', JSON.stringify({ v: [old, false], a: 2, k: 'regenerate' }));
      expect(await repo.branches('u', 's')).toEqual({ '0': { count: 2, active: 1, kind: 'edit' } });
      expect(await repo.selectBranch('u', 's', 0, 0)).toBe(true);
      expect(await shown()).toEqual(['old q', 'old a']);
    });
  });
});
