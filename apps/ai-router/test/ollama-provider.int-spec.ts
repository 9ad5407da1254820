import { lastValueFrom, toArray } from 'rxjs';
import { freePort, RedisServerHandle, startRedisServer } from '@nitro/testing';
import { OllamaProvider } from '../src/providers/ollama.provider';
import { ProviderError } from '../src/providers/provider-error';
import { ChatStack, startChatStack } from './support/chat-stack';
import { FakeOllama, startFakeOllama } from './support/fake-ollama.server';

jest.setTimeout(30_000);

const req = { messages: [{ role: 'user' as const, content: 'Hello?' }], maxTokens: 64, temperature: 0 };
const signal = () => AbortSignal.timeout(5_000);

describe('Ollama adapter against a server speaking /api/chat', () => {
  let ollama: FakeOllama;
  let provider: OllamaProvider;
  beforeAll(async () => {
    ollama = await startFakeOllama();
    provider = new OllamaProvider({ host: ollama.url, model: 'phi3', timeoutMs: 500 });
  });
  afterAll(() => ollama.close());
  beforeEach(() => {
    ollama.mode = 'ok';
    ollama.bodies.length = 0;
  });

  it('generates a whole answer with token counts (stream: false)', async () => {
    const r = await provider.generate({ ...req, system: 'Be brief.' }, signal());
    expect(r).toEqual({
      text: 'Hello from fake Ollama.',
      model: 'phi3',
      usage: { prompt_tokens: 12, completion_tokens: 5 },
      finishReason: 'stop',
    });
    expect(ollama.bodies[0]).toEqual({
      model: 'phi3',
      stream: false,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello?' },
      ],
      options: { temperature: 0, num_predict: 64 },
    });
  });

  it('streams NDJSON chunks, then done with usage', async () => {
    const chunks = [];
    for await (const c of provider.stream(req, signal())) chunks.push(c);
    expect(chunks.slice(0, -1)).toEqual(ollama.words.map((text) => ({ text })));
    expect(chunks[chunks.length - 1]).toEqual({
      done: true,
      model: 'phi3',
      usage: { prompt_tokens: 12, completion_tokens: 5 },
      finishReason: 'stop',
    });
  });

  it('maps {"error": ...} with 404 to a config failure quoting the server', async () => {
    ollama.mode = 'not_found';
    const err = await provider.generate(req, signal()).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'config', status: 404, message: "HTTP 404: model 'phi3' not found, try pulling it first" });
    const streamErr = await (async () => {
      for await (const _ of provider.stream(req, signal()));
    })().catch((e) => e);
    expect(streamErr).toMatchObject({ kind: 'config', status: 404 });
  });

  it('maps a 500 to a server failure', async () => {
    ollama.mode = 'server_error';
    await expect(provider.generate(req, signal())).rejects.toMatchObject({
      kind: 'server',
      status: 500,
      message: expect.stringContaining('llama runner'),
    });
  });

  it('reports a refused connection as such', async () => {
    const dead = new OllamaProvider({ host: `http://127.0.0.1:${await freePort()}`, model: 'phi3', timeoutMs: 500 });
    const err = await dead.generate(req, signal()).catch((e) => e);
    expect(err.cause?.code ?? err.code).toBe('ECONNREFUSED');
  });
});

describe('Ollama through the router and memory (real Redis)', () => {
  let redis: RedisServerHandle;
  let ollama: FakeOllama;
  let stack: ChatStack;
  beforeAll(async () => {
    [redis, ollama] = await Promise.all([startRedisServer(), startFakeOllama()]);
    stack = await startChatStack({
      REDIS_URL: redis.url,
      AI_PROVIDERS: 'ollama',
      OLLAMA_HOST: ollama.url,
      OLLAMA_TIMEOUT_MS: '300',
      CIRCUIT_FAILURES: '50',
    });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([ollama?.close(), redis?.stop()]);
  });
  beforeEach(() => (ollama.mode = 'ok'));

  it('times out a slow answer and says so in the 503', async () => {
    ollama.mode = 'slow';
    const started = Date.now();
    const err = await stack.chat.send({ message: 'hi', user_id: 'slow', session_id: 's' }).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(err).toMatchObject({ status: 503, code: 'NO_PROVIDER_AVAILABLE' });
    expect(err.message).toContain('ollama (timeout: no answer within 300 ms)');
    expect((await stack.conversations.history({ user_id: 'slow', session_id: 's' })).messages).toEqual([]);
  });

  it('ends a stream broken midway with an incomplete error and stores the partial answer marked failed', async () => {
    ollama.mode = 'break';
    const events = await lastValueFrom(stack.chat.stream({ message: 'tell me', user_id: 'brk', session_id: 's' }).pipe(toArray()));
    expect(events.map((e) => e.type)).toEqual(['meta', 'token', 'token', 'error']);
    expect(events[3]).toMatchObject({
      type: 'error',
      incomplete: true,
      status: 502,
      message: expect.stringMatching(/ollama stopped mid-answer.*incomplete/),
    });
    const { messages } = await stack.conversations.history({ user_id: 'brk', session_id: 's' });
    expect(messages).toEqual([
      expect.objectContaining({ role: 'user', content: 'tell me' }),
      expect.objectContaining({ role: 'assistant', content: 'Hello from', status: 'failed', ai_source: 'ollama', ai_model: 'phi3' }),
    ]);
  });

  it('streams a full answer; done comes after the write', async () => {
    const events = await lastValueFrom(stack.chat.stream({ message: 'hi', user_id: 'ok', session_id: 's' }).pipe(toArray()));
    const done = events[events.length - 1];
    expect(done).toMatchObject({
      type: 'done',
      response: 'Hello from fake Ollama.',
      ai_source: 'ollama',
      ai_model: 'phi3',
      finish_reason: 'stop',
      usage: { prompt_tokens: 12, completion_tokens: 5 },
    });
    const { messages } = await stack.conversations.history({ user_id: 'ok' });
    expect(messages.map((m) => m.content)).toEqual(['hi', 'Hello from fake Ollama.']);
    expect(messages[1].status).toBeUndefined();
  });
});
