import { freePort, RedisServerHandle, startRedisServer } from '@nitro/testing';
import { ProviderChunk, ProviderDone } from '../src/providers/chat-provider.interface';
import { LocalLlamaProvider } from '../src/providers/local/local-llama.provider';
import { ChatStack, MODEL_PATH, startChatStack } from './support/chat-stack';

jest.setTimeout(60_000);

/** The real engine on the tiny base model (stories260K, no chat template). Greedy, so runs repeat. */
describe('local provider (node-llama-cpp on stories260K.gguf)', () => {
  const provider = new LocalLlamaProvider({ modelPath: MODEL_PATH, contextSize: 512, threads: 1, timeoutMs: 20_000 });
  const req = { messages: [{ role: 'user' as const, content: 'Once upon a time' }], temperature: 0, maxTokens: 32 };
  const signal = () => AbortSignal.timeout(20_000);
  afterAll(() => provider.dispose());

  it('is configured by LOCAL_MODEL_PATH and names the model after the file', () => {
    expect(provider.unavailable()).toBeNull();
    expect(provider.modelFor(req)).toBe('stories260K');
  });

  it('generates greedily: non-empty text, token counts, a finish reason, the same text twice', async () => {
    const a = await provider.generate(req, signal());
    expect(a.text.length).toBeGreaterThan(0);
    expect(a.text).toBe(a.text.trimStart());
    expect(a.model).toBe('stories260K');
    expect(a.usage.prompt_tokens).toBeGreaterThan(5);
    expect(a.usage.completion_tokens).toBeGreaterThan(0);
    expect(a.usage.completion_tokens).toBeLessThanOrEqual(32);
    expect(['stop', 'length']).toContain(a.finishReason);
    const b = await provider.generate(req, signal());
    expect(b.text).toBe(a.text);
  });

  it('streams chunks whose concatenation is the answer, then done', async () => {
    const chunks: ProviderChunk[] = [];
    for await (const c of provider.stream(req, signal())) chunks.push(c);
    const done = chunks[chunks.length - 1] as ProviderDone;
    expect(done).toMatchObject({ done: true, model: 'stories260K' });
    const text = chunks
      .slice(0, -1)
      .map((c) => (c as { text: string }).text)
      .join('');
    expect(chunks.length).toBeGreaterThan(3);
    expect(text).toBe((await provider.generate(req, signal())).text);
    expect(done.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('stops at max_tokens with finish reason "length"', async () => {
    const r = await provider.generate({ ...req, maxTokens: 4 }, signal());
    expect(r.finishReason).toBe('length');
    expect(r.usage.completion_tokens).toBeLessThanOrEqual(4);
  });

  it('queues concurrent requests on the one sequence; all answer', async () => {
    const results = await Promise.all([1, 2, 3].map(() => provider.generate(req, signal())));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
  });

  it('fits a long conversation into the context window', async () => {
    const long = Array.from({ length: 40 }, (_, i) => ({
      role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
      content: `The dog ran to the park number ${i} and played all day.`,
    }));
    const r = await provider.generate({ messages: long, temperature: 0, maxTokens: 16 }, signal());
    expect(r.usage.prompt_tokens).toBeLessThanOrEqual(512 - 16);
    expect(r.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('also runs through the chat-template path (LlamaChat) used for chat models', async () => {
    const chat = new LocalLlamaProvider({ modelPath: MODEL_PATH, contextSize: 512, threads: 1, timeoutMs: 20_000, promptMode: 'chat' });
    try {
      const r = await chat.generate({ ...req, system: 'Tell a story.' }, signal());
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.usage.completion_tokens).toBeGreaterThan(0);
    } finally {
      await chat.dispose();
    }
  });

  it('without a model file it is not configured and says how to provide one', () => {
    const none = new LocalLlamaProvider({ modelPath: '', modelsDir: '/nonexistent', contextSize: 512, threads: 1, timeoutMs: 1000 });
    expect(none.unavailable()).toMatch(/^not configured: /);
    expect(none.unavailable()).toMatch(/LOCAL_MODEL_PATH.*models\/.*model-download/);
  });
});

describe('fallback: Ollama configured but unreachable, the local model answers', () => {
  let redis: RedisServerHandle;
  let stack: ChatStack;
  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startChatStack({
      REDIS_URL: redis.url,
      AI_PROVIDERS: 'ollama,local,gemini',
      OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it("answers with ai_source 'local' and a fallback entry for ollama, and stores the turn", async () => {
    const res = await stack.chat.send({
      message: 'Once upon a time',
      user_id: 'fb',
      session_id: 's1',
      options: { temperature: 0, max_tokens: 24 },
    });
    expect(res).toMatchObject({ ai_source: 'local', ai_model: 'stories260K', session_id: 's1' });
    expect(res.response.length).toBeGreaterThan(0);
    expect(res.fallbacks).toEqual([{ provider: 'ollama', reason: expect.stringMatching(/^connection: ECONNREFUSED/) }]);
    const { messages } = await stack.conversations.history({ user_id: 'fb', session_id: 's1' });
    expect(messages.map((m) => [m.role, m.ai_source])).toEqual([
      ['user', undefined],
      ['assistant', 'local'],
    ]);
  });

  it('lists providers with configured state and circuit', async () => {
    const list = stack.registry.describe();
    expect(list.map((p) => [p.name, p.configured, p.circuit])).toEqual([
      ['ollama', true, 'closed'],
      ['local', true, 'closed'],
      ['gemini', false, 'closed'],
    ]);
    expect(list[2].setup).toContain('GEMINI_API_KEY');
  });
});
