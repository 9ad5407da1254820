import {
  redisCli,
  waitForReplicas,
  startRedisCluster,
  startRedisSentinel,
  waitFor,
  type RedisClusterHandle,
  type RedisSentinelHandle,
  type RedisServerHandle,
} from '@nitro/testing';
import { Platform, readSse, startPlatform } from '../support/platform';

/**
 * The platform core on Redis Cluster and on Sentinel (issue 21, docs/adr/0009-redis-cluster.md):
 * real redis-server processes (six cluster nodes; or a primary, a replica and three sentinels),
 * real gateway and ai-router processes (two of each on the cluster), the real local model.
 * Covered: sign-up and sign-in, chat with history, a streamed answer, a per-user rate limit shared by
 * two gateways, and a primary killed under a conversation: chat works again within 10 s, the history
 * is intact, and each request is handled by exactly one ai-router replica. Image jobs, the gallery and
 * scheduled tasks on a cluster: redis-cluster-jobs.int-spec.ts.
 */
const CHAT = { temperature: 0, max_tokens: 12 };
const RATE_LIMIT_DEFAULT = 30;

/** A RedisServerHandle for startPlatform: its REDIS_URL is ignored once REDIS_CLUSTER_NODES / REDIS_SENTINELS is set. */
function handleFor(port: number): RedisServerHandle {
  return { port, url: `redis://127.0.0.1:${port}`, stop: async () => undefined, kill: () => undefined, restart: async () => undefined };
}

async function chat(p: Platform, session: string, message: string, baseUrl = p.baseUrl): Promise<Response> {
  return fetch(`${baseUrl}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...p.headers },
    body: JSON.stringify({ message, user_id: p.userId, session_id: session, options: CHAT }),
  });
}

async function history(p: Platform, session: string): Promise<{ role: string; content: string }[]> {
  const res = await p.request(`/chat/history/${p.userId}?session_id=${session}`);
  expect(res.status).toBe(200);
  return (await res.json()).messages;
}

/** Sends until a chat answers 200; returns how long that took (ms). */
async function chatUntilOk(p: Platform, session: string, message: string, limitMs: number): Promise<number> {
  const t0 = Date.now();
  await waitFor(
    async () => {
      const res = await chat(p, session, message);
      // Thrown, so a timeout names the last answer (waitFor reports the last error).
      if (res.status !== 200) throw new Error(`HTTP ${res.status} after ${Date.now() - t0} ms: ${(await res.text()).slice(0, 200)}`);
      return true;
    },
    {
      timeoutMs: limitMs,
      intervalMs: 250,
      description: 'chat answers again after the failover',
    },
  );
  return Date.now() - t0;
}

describe('the platform on Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: RedisClusterHandle;
  let p: Platform;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    p = await startPlatform({
      services: ['ai-router'],
      redis: handleFor(cluster.nodes[0].port),
      env: { REDIS_CLUSTER_NODES: cluster.seeds, RATE_LIMIT_DEFAULT: String(RATE_LIMIT_DEFAULT) },
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } },
    });
    await p.startApp('ai-router', 'ai-router-b');
    await p.startApp('gateway', 'gateway-b');
  }, 180_000);
  afterAll(async () => {
    await p?.stop();
    await cluster?.stop();
  });

  it('registers, signs in and chats with history through either gateway', async () => {
    expect(p.user?.accessToken).toBeTruthy();
    expect((await chat(p, 'c1', 'Once upon a time')).status).toBe(200);
    const second = await chat(p, 'c1', 'The little dog', p.urlOf('gateway-b'));
    expect(second.status).toBe(200);
    expect((await second.json()).ai_source).toBe('local');
    const msgs = await history(p, 'c1');
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(msgs[2].content).toBe('The little dog');
  }, 120_000);

  it('streams an answer as SSE, stored once', async () => {
    const res = await p.request('/chat/stream', {
      method: 'POST',
      json: { message: 'A cat', user_id: p.userId, session_id: 'c-stream', options: CHAT },
    });
    expect(res.status).toBe(200);
    const kinds = (await readSse(res)).map((e) => e.event);
    expect(kinds[0]).toBe('start');
    expect(kinds.filter((k) => k === 'token').length).toBeGreaterThan(0);
    expect(kinds[kinds.length - 1]).toBe('done');
    await waitFor(async () => (await history(p, 'c-stream')).length === 2, { description: 'the streamed turn is stored' });
  }, 120_000);

  it("shares a user's rate limit between two gateways", async () => {
    const u = await p.createUser('cluster-rl');
    const gateways = [p.baseUrl, p.urlOf('gateway-b')];
    for (let i = 0; i < RATE_LIMIT_DEFAULT; i++) {
      expect((await fetch(`${gateways[i % 2]}/auth/me`, { headers: u.headers })).status).toBe(200);
    }
    const res = await fetch(`${gateways[1]}/auth/me`, { headers: u.headers });
    expect(res.status).toBe(429);
  }, 120_000);

  it('survives the death of the primary holding the conversation: chat again within 10 s, history intact, one replica per request', async () => {
    // The node serving this user's conversation slot ({u:<user>} hash tag).
    let key = '';
    for (const n of cluster.nodes.filter((x) => x.alive())) {
      key ||= (await redisCli(n.port, '--scan', '--pattern', 'nitro:chat:{u:*}:s:c1')).trim().split('\n')[0];
    }
    expect(key).toContain('nitro:chat:{u:');
    const primary = await cluster.primaryFor(key);
    // Asynchronous replication: make sure the replica has the history before the crash (the ADR says what
    // an unreplicated write can lose); this test is about failover and reconnection.
    // Every primary: the transport's request stream (its acks) may live on another node than the conversation.
    for (const n of cluster.nodes.filter((x) => x.alive()))
      if ((await redisCli(n.port, 'role')).startsWith('master')) await waitForReplicas(n.port);
    primary.kill();
    const tookMs = await chatUntilOk(p, 'c1', 'After the storm', 10_000);
    expect(tookMs).toBeLessThan(10_000);
    const msgs = await history(p, 'c1');
    expect(msgs.slice(0, 4).map((m) => m.content.length > 0)).toEqual([true, true, true, true]);
    expect(msgs[2].content).toBe('The little dog');
    expect(msgs.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['Once upon a time', 'The little dog', 'After the storm']);
    // Exactly one replica per request: four more turns add exactly eight messages (a request handled
    // twice would store its turn twice).
    for (let i = 0; i < 4; i++) expect((await chat(p, 'c-after', `Turn ${i}`)).status).toBe(200);
    const after = await history(p, 'c-after');
    expect(after.map((m) => m.role)).toEqual(Array.from({ length: 8 }, (_, i) => (i % 2 ? 'assistant' : 'user')));
    expect(cluster.nodes.filter((n) => n.alive())).toHaveLength(5);
  }, 120_000);
});

describe('the platform on Redis Sentinel (primary, replica, three sentinels)', () => {
  let sentinel: RedisSentinelHandle;
  let p: Platform;

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    p = await startPlatform({
      services: ['ai-router'],
      redis: handleFor(sentinel.primary.port),
      env: { REDIS_SENTINELS: sentinel.seeds, REDIS_SENTINEL_NAME: sentinel.name },
      appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } },
    });
  }, 180_000);
  afterAll(async () => {
    await p?.stop();
    await sentinel?.stop();
  });

  it('chats with history, then fails over to the replica: chat again within 10 s, history intact', async () => {
    expect((await chat(p, 's1', 'Once upon a time')).status).toBe(200);
    expect((await history(p, 's1')).length).toBe(2);
    await waitForReplicas(sentinel.primary.port);
    sentinel.primary.kill();
    // The sentinels' election is Redis's part, not ours: usually 2-4 s, but a split vote is retried only after
    // 2 x failover-timeout, and CI saw elections past 9 s. The platform's part is what is timed: chat answers
    // within 10 s of the replica's promotion. A request sent before it would wait out the client's 5 s command timeout.
    await waitFor(async () => (await sentinel.currentPrimaryPort()) === sentinel.replica.port, {
      timeoutMs: 30_000,
      intervalMs: 100,
      description: 'the sentinels promote the replica',
    });
    const tookMs = await chatUntilOk(p, 's1', 'The little dog', 10_000);
    expect(tookMs).toBeLessThan(10_000);
    const msgs = await history(p, 's1');
    expect(msgs.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['Once upon a time', 'The little dog']);
  }, 120_000);
});
