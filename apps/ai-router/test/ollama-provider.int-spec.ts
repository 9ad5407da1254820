import { lastValueFrom, toArray } from 'rxjs';
import { freePort, RedisServerHandle, startRedisServer } from '@nitro/testing';
import { OllamaProvider } from '../src/providers/ollama.provider';
import { ContextTooLongError, ProviderError } from '../src/providers/provider-error';
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
    ollama.shows.length = 0;
    ollama.context = { context_length: 32_768 };
  });
  // A fresh provider (and so a fresh context cache) per budgeting test.
  const fresh = () => new OllamaProvider({ host: ollama.url, model: 'phi3', timeoutMs: 2_000 });

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

  it('budgets against num_ctx from /api/show, asked once per model: a system prompt that cannot fit is ContextTooLongError, nothing sent', async () => {
    ollama.context = { num_ctx: 256, context_length: 131_072 };
    const provider = fresh();
    const long = { ...req, system: 'x'.repeat(4_000) }; // ~1,334 tokens estimated against 256
    const err = await provider.generate(long, signal()).catch((e) => e);
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ kind: 'client', contextSize: 256, overBy: expect.any(Number) });
    expect(err.overBy).toBeGreaterThan(1_000);
    expect(err.message).toMatch(/context is 256 \(num_ctx .*\d+ tokens over/);
    const streamErr = await (async () => {
      for await (const _ of provider.stream(long, signal()));
    })().catch((e) => e);
    expect(streamErr).toBeInstanceOf(ContextTooLongError);
    expect(ollama.bodies).toEqual([]);
    await provider.generate(req, signal());
    expect(ollama.shows).toEqual(['phi3']);
    expect(ollama.bodies).toHaveLength(1);
  });

  it('trims the oldest history to fit, sending the newest message; an unknown context sends everything', async () => {
    ollama.context = { num_ctx: 512, context_length: 131_072 };
    const history = Array.from({ length: 6 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: `${i}`.repeat(300),
    }));
    const long = { ...req, messages: [...history, { role: 'user' as const, content: 'and now?' }] };
    await fresh().generate(long, signal());
    const sent = ollama.bodies[0].messages.map((m: { content: string }) => m.content[0]);
    expect(sent.at(-1)).toBe('a');
    expect(sent.length).toBeLessThan(long.messages.length);
    expect(sent).toEqual(['2', '3', '4', '5', 'a'].slice(-sent.length));
    expect(ollama.bodies[0].messages[0].role).toBe('user');
    // A model whose /api/show says nothing about its context: not budgeted, never an error.
    ollama.context = { context_length: 0 };
    await fresh().generate({ ...long, system: 'y'.repeat(4_000) }, signal());
    expect(ollama.bodies[1].messages).toHaveLength(long.messages.length + 1);
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

describe('Ollama context budget through the router (real Redis)', () => {
  let redis: RedisServerHandle;
  let ollama: FakeOllama;
  let stack: ChatStack;
  beforeAll(async () => {
    [redis, ollama] = await Promise.all([startRedisServer(), startFakeOllama()]);
    ollama.context = { num_ctx: 512, context_length: 131_072 };
    stack = await startChatStack({ REDIS_URL: redis.url, AI_PROVIDERS: 'ollama', OLLAMA_HOST: ollama.url });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([ollama?.close(), redis?.stop()]);
  });

  it('a long system prompt is a 400 CONTEXT_TOO_LONG with over_by and context_size; nothing reaches Ollama', async () => {
    const err = await stack.chat
      .send({ message: 'hi', user_id: 'ctx', session_id: 'long', options: { system: 'z'.repeat(4_000), max_tokens: 64 } })
      .catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: 'CONTEXT_TOO_LONG', details: { context_size: 512, over_by: expect.any(Number) } });
    expect(err.details.over_by).toBeGreaterThan(800);
    expect(err.message).toMatch(/^ollama: .*tokens over/);
    expect(ollama.bodies).toEqual([]);
  });

  it('a conversation longer than the context: the oldest turns are dropped first, the new message always sent', async () => {
    for (const c of ['a', 'b', 'c', 'd']) {
      await stack.chat.send({ message: c.repeat(300), user_id: 'ctx', session_id: 'turns', options: { max_tokens: 64 } });
    }
    const last = ollama.bodies.at(-1).messages as { role: string; content: string }[];
    expect(last.at(-1)).toEqual({ role: 'user', content: 'd'.repeat(300) });
    expect(last.map((m) => m.content[0])).not.toContain('a'); // 7 turns stored + new; ~4 fit in 512 - 64 tokens
    expect(last[0].role).toBe('user');
    expect(ollama.shows).toEqual(['phi3']); // asked once for the whole conversation
  });
});
