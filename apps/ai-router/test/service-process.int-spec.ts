import { spawn } from 'node:child_process';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { CHAT_PATTERNS, ChatStreamEvent } from '@nitro/contracts';
import { freePort, RedisServerHandle, ServiceProcess, spawnService, startRedisServer } from '@nitro/testing';
import { RedisStreamsClient } from '@nitro/transport';
import { buildAiRouter } from './support/build-service';
import { MODEL_PATH } from './support/chat-stack';
import { FakeOllama, startFakeOllama } from './support/fake-ollama.server';

jest.setTimeout(60_000);

/** ai-router as a real process on the Redis Streams transport, called like the gateway calls it. */
describe('ai-router process over the transport', () => {
  let build: ReturnType<typeof buildAiRouter>;
  let redis: RedisServerHandle;
  let ollama: FakeOllama;
  let proc: ServiceProcess;
  let client: RedisStreamsClient;
  let httpPort: number;
  const send = <T>(pattern: string, data: unknown) => firstValueFrom(client.send<T>(pattern, data));

  beforeAll(async () => {
    build = buildAiRouter();
    [redis, ollama, httpPort] = await Promise.all([startRedisServer(), startFakeOllama(), freePort()]);
    proc = await spawnService({
      name: 'ai-router-it',
      script: build.script,
      env: {
        REDIS_URL: redis.url,
        HTTP_PORT: String(httpPort),
        AI_PROVIDERS: 'ollama,local',
        OLLAMA_HOST: ollama.url,
        LOCAL_MODEL_PATH: MODEL_PATH,
        LOG_LEVEL: 'warn',
      },
      readyUrl: `http://127.0.0.1:${httpPort}/health`,
    });
    client = new RedisStreamsClient({ redisUrl: redis.url, service: 'ai-router', timeoutMs: 10_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await proc?.stop();
    await Promise.all([ollama?.close(), redis?.stop()]);
    build?.cleanup();
  });

  it('chat.send answers and names the provider; history, sessions and stats see the turn', async () => {
    const res = await send<any>(CHAT_PATTERNS.send, { message: 'hi', user_id: 'p1' });
    expect(res).toMatchObject({ response: 'Hello from fake Ollama.', ai_source: 'ollama', ai_model: 'phi3', fallbacks: [] });
    const history = await send<any>(CHAT_PATTERNS.history, { user_id: 'p1' });
    expect(history).toMatchObject({ user_id: 'p1', session_id: res.session_id });
    expect(history.messages).toHaveLength(2);
    expect(await send<any[]>(CHAT_PATTERNS.sessions, { user_id: 'p1' })).toEqual([
      expect.objectContaining({ session_id: res.session_id, message_count: 2, title: 'hi' }),
    ]);
    expect(await send(CHAT_PATTERNS.stats, {})).toEqual({ sessions_active: 1, total_messages: 2 });
  });

  it('chat.stream delivers meta, tokens and done in order', async () => {
    const events = await lastValueFrom(
      client.send<ChatStreamEvent>(CHAT_PATTERNS.stream, { message: 'hi', user_id: 'p2', session_id: 's' }).pipe(toArray()),
    );
    expect(events.map((e) => e.type)).toEqual(['meta', 'token', 'token', 'token', 'token', 'token', 'done']);
    expect(events[events.length - 1]).toMatchObject({ response: 'Hello from fake Ollama.', session_id: 's' });
  });

  it('falls back to the local model when Ollama fails, and reports circuit state in chat.providers', async () => {
    ollama.mode = 'server_error';
    try {
      const res = await send<any>(CHAT_PATTERNS.send, {
        message: 'Once upon a time',
        user_id: 'p3',
        options: { temperature: 0, max_tokens: 16 },
      });
      expect(res).toMatchObject({
        ai_source: 'local',
        ai_model: 'stories260K',
        fallbacks: [{ provider: 'ollama', reason: expect.stringContaining('HTTP 500') }],
      });
    } finally {
      ollama.mode = 'ok';
    }
    const providers = await send<any[]>(CHAT_PATTERNS.providers, {});
    expect(providers.map((p) => [p.name, p.configured, p.consecutive_failures])).toEqual([
      ['ollama', true, 1],
      ['local', true, 0],
      ['gemini', false, 0],
    ]);
  });

  it('answers a bad command with a 400 naming the field, and clears sessions', async () => {
    await expect(send(CHAT_PATTERNS.send, { message: 'hi', user_id: 'a b' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('user_id'),
    });
    expect(await send(CHAT_PATTERNS.clear, { user_id: 'p1' })).toEqual({ cleared: 2 });
    expect(await send(CHAT_PATTERNS.deleteSession, { user_id: 'p2', session_id: 's' })).toEqual({ cleared: 2 });
  });

  it('exposes provider metrics on /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    expect(text).toMatch(/nitro_ai_provider_latency_seconds_count\{[^}]*provider="ollama",mode="generate",outcome="ok"/);
    expect(text).toMatch(/nitro_ai_tokens_total\{[^}]*provider="ollama",kind="completion"/);
    expect(text).toMatch(/nitro_ai_fallbacks_total\{[^}]*provider="ollama",reason="server"/);
    expect(text).toMatch(/nitro_ai_circuit_state\{[^}]*provider="ollama"/);
  });

  it('refuses to start with an invalid variable, naming it', async () => {
    const child = spawn(process.execPath, [build.script], {
      env: { ...process.env, REDIS_URL: redis.url, CIRCUIT_FAILURES: 'many', AI_PROVIDERS: 'ollama,openai' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(out).toContain('CIRCUIT_FAILURES');
    expect(out).toContain('AI_PROVIDERS: must be a comma-separated list of ollama, local, gemini');
  });
});
