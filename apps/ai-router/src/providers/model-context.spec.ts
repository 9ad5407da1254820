import { ModelContext, ModelContextCache } from './model-context.cache';
import { ollamaContextOf, ollamaVisionOf } from './model-context.lookups';

describe('ollamaContextOf (POST /api/show)', () => {
  it('num_ctx in the parameters wins (Ollama runs with exactly that)', () => {
    const show = {
      parameters: 'num_ctx                        4096\nstop                           "<|end|>"',
      model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
    };
    expect(ollamaContextOf(show)).toMatchObject({ contextSize: 4096, source: expect.stringMatching(/num_ctx/) });
  });

  it("otherwise the architecture's context_length from model_info; null when neither is there", () => {
    expect(ollamaContextOf({ model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768 } })).toMatchObject({
      contextSize: 32768,
      source: expect.stringMatching(/qwen2\.context_length/),
    });
    expect(ollamaContextOf({ model_info: { 'gemma3.context_length': 8192 } })?.contextSize).toBe(8192);
    expect(ollamaContextOf({ parameters: 'stop "x"', model_info: { 'general.architecture': 'llama' } })).toBeNull();
    expect(ollamaContextOf({})).toBeNull();
  });
});

describe('ollamaVisionOf (POST /api/show capabilities)', () => {
  it('is true only when capabilities lists "vision"', () => {
    expect(ollamaVisionOf({ capabilities: ['completion', 'vision'] })).toBe(true);
    expect(ollamaVisionOf({ capabilities: ['completion', 'tools'] })).toBe(false);
    expect(ollamaVisionOf({ capabilities: 'vision' })).toBe(false);
    expect(ollamaVisionOf({})).toBe(false);
  });
});

describe('ModelContextCache', () => {
  const known: ModelContext = { contextSize: 2048, source: 'test' };
  let now = 0;
  const make = (lookup: (model: string) => Promise<ModelContext | null>) => {
    const calls: string[] = [];
    const cache = new ModelContextCache(
      'ollama',
      (m) => (calls.push(m), lookup(m)),
      () => now,
    );
    return { cache, calls };
  };
  const signal = () => new AbortController().signal;

  it('asks once per model, shares a lookup in flight, and remembers the answer for 10 minutes', async () => {
    const { cache, calls } = make(async () => known);
    const [a, b] = await Promise.all([cache.get('phi3', signal()), cache.get('phi3', signal())]);
    expect([a, b, calls]).toEqual([known, known, ['phi3']]);
    now += 9 * 60_000;
    await cache.get('phi3', signal());
    await cache.get('llama3', signal());
    expect(calls).toEqual(['phi3', 'llama3']);
    now += 2 * 60_000;
    await cache.get('phi3', signal());
    expect(calls).toEqual(['phi3', 'llama3', 'phi3']);
  });

  it('a failing lookup is an unknown context (null, never a throw), tried again a minute later', async () => {
    const { cache, calls } = make(async () => Promise.reject(new Error('HTTP 404 from /api/show')));
    expect(await cache.get('gone', signal())).toBeNull();
    expect(await cache.get('gone', signal())).toBeNull();
    expect(calls).toHaveLength(1);
    now += 61_000;
    await cache.get('gone', signal());
    expect(calls).toHaveLength(2);
  });

  it("a lookup ended by the caller's own cancellation is not remembered", async () => {
    const { cache, calls } = make(async () => Promise.reject(new Error('cancelled')));
    const ac = new AbortController();
    ac.abort();
    expect(await cache.get('phi3', ac.signal)).toBeNull();
    await cache.get('phi3', signal());
    expect(calls).toHaveLength(2);
  });
});
