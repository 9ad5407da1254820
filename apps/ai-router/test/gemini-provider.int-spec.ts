import { GeminiProvider } from '../src/providers/gemini.provider';
import { ProviderChunk } from '../src/providers/chat-provider.interface';
import { ContextTooLongError } from '../src/providers/provider-error';
import { ChatStack, startChatStack } from './support/chat-stack';
import { FakeGemini, startFakeGemini, THOUGHT_SIGNATURE } from './support/fake-gemini.server';
import { FakeOllama, startFakeOllama } from './support/fake-ollama.server';
import { RedisServerHandle, startRedisServer } from '@nitro/testing';

jest.setTimeout(30_000);

const req = {
  system: 'Be brief.',
  messages: [
    { role: 'user' as const, content: 'Hi' },
    { role: 'assistant' as const, content: 'Hello!' },
    { role: 'user' as const, content: 'And now?' },
  ],
  maxTokens: 50,
  temperature: 0.2,
};
const signal = () => AbortSignal.timeout(5_000);

async function drain(it: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const out: ProviderChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('Gemini adapter against a server speaking the generateContent REST API', () => {
  let gemini: FakeGemini;
  let provider: GeminiProvider;
  beforeAll(async () => {
    gemini = await startFakeGemini();
    provider = new GeminiProvider({ apiKey: 'test-key', model: 'gemini-1.5-flash', baseUrl: gemini.url, timeoutMs: 500 });
  });
  afterAll(() => gemini.close());
  beforeEach(() => {
    gemini.mode = 'ok';
    gemini.requests.length = 0;
    gemini.gets.length = 0;
  });

  it('is not configured without a key', () => {
    const none = new GeminiProvider({ apiKey: '', model: 'gemini-1.5-flash', timeoutMs: 500 });
    expect(none.unavailable()).toMatch(/^not configured: /);
    expect(none.unavailable()).toContain('GEMINI_API_KEY');
  });

  it('generates: text from candidates[0].content.parts, usage, finish reason; sends turns, system and config', async () => {
    const r = await provider.generate(req, signal());
    expect(r).toEqual({
      text: 'Hi from fake Gemini.',
      model: 'gemini-1.5-flash',
      usage: { prompt_tokens: 9, completion_tokens: 5 },
      finishReason: 'stop',
    });
    const [sent] = gemini.requests;
    expect(sent.path).toBe('/v1beta/models/gemini-1.5-flash:generateContent');
    expect(sent.apiKey).toBe('test-key');
    expect(sent.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }] },
      { role: 'model', parts: [{ text: 'Hello!' }] },
      { role: 'user', parts: [{ text: 'And now?' }] },
    ]);
    expect(sent.body.generationConfig).toEqual({ temperature: 0.2, maxOutputTokens: 50 });
    expect(sent.body.systemInstruction).toEqual({ role: 'system', parts: [{ text: 'Be brief.' }] });
  });

  it('streams SSE chunks, then done with usage from the last one', async () => {
    const chunks = await drain(provider.stream(req, signal()));
    expect(gemini.requests[0].path).toBe('/v1beta/models/gemini-1.5-flash:streamGenerateContent?alt=sse');
    expect(chunks).toEqual([
      ...gemini.words.map((text) => ({ text })),
      { done: true, model: 'gemini-1.5-flash', usage: { prompt_tokens: 9, completion_tokens: 5 }, finishReason: 'stop' },
    ]);
  });

  it('maps the 429 error JSON to rate_limited, quoting the message', async () => {
    gemini.mode = 'rate_limited';
    await expect(provider.generate(req, signal())).rejects.toMatchObject({
      kind: 'rate_limited',
      status: 429,
      message: expect.stringContaining('Resource has been exhausted'),
    });
    await expect(drain(provider.stream(req, signal()))).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
  });

  it("reads the model's limits once (models.get with the key), caps max_tokens to outputTokenLimit, refuses what cannot fit inputTokenLimit", async () => {
    gemini.limits = { inputTokenLimit: 1_000, outputTokenLimit: 40 };
    const fresh = new GeminiProvider({ apiKey: 'test-key', model: 'gemini-small', baseUrl: gemini.url, timeoutMs: 2_000 });
    await fresh.generate(req, signal());
    expect(gemini.requests[0].body.generationConfig).toMatchObject({ maxOutputTokens: 40 });
    const err = await fresh.generate({ ...req, system: 'q'.repeat(6_000) }, signal()).catch((e) => e);
    expect(err).toBeInstanceOf(ContextTooLongError);
    expect(err).toMatchObject({ provider: 'gemini', contextSize: 1_000, message: expect.stringMatching(/inputTokenLimit.*tokens over/) });
    await expect(drain(fresh.stream({ ...req, system: 'q'.repeat(6_000) }, signal()))).rejects.toBeInstanceOf(ContextTooLongError);
    expect(gemini.gets).toEqual([{ model: 'gemini-small', apiKey: 'test-key' }]);
    expect(gemini.requests).toHaveLength(1);
    gemini.limits = { inputTokenLimit: 1_048_576, outputTokenLimit: 8_192 };
  });

  it('treats an SSE stream that ends without a finishReason as broken, not finished', async () => {
    gemini.mode = 'no_finish';
    await expect(drain(provider.stream(req, signal()))).rejects.toMatchObject({ kind: 'broken_stream' });
  });
});

describe('Gemini adapter: function calling in the REST wire format', () => {
  let gemini: FakeGemini;
  let provider: GeminiProvider;
  beforeAll(async () => {
    gemini = await startFakeGemini();
    provider = new GeminiProvider({ apiKey: 'test-key', model: 'gemini-1.5-flash', baseUrl: gemini.url, timeoutMs: 2_000 });
  });
  afterAll(() => gemini.close());
  beforeEach(() => {
    gemini.requests.length = 0;
  });

  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather in a city',
        parameters: {
          type: 'object',
          $schema: 'http://json-schema.org/draft-07/schema#',
          additionalProperties: false,
          properties: {
            city: { type: 'string' },
            unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
            days: { type: 'array', items: { type: 'integer' } },
          },
          required: ['city'],
        },
      },
    },
    { type: 'function', function: { name: 'now', description: 'The time', parameters: { type: 'object', properties: {} } } },
  ];
  const ask = { messages: [{ role: 'user' as const, content: 'Weather in Paris?' }], tools };

  it("declares the tools as functionDeclarations (schema reduced to Gemini's subset) with toolConfig AUTO", async () => {
    await provider.generate(ask, signal());
    const { body } = gemini.requests[0];
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather in a city',
            parameters: {
              type: 'OBJECT',
              properties: {
                city: { type: 'STRING' },
                unit: { type: 'STRING', nullable: true, enum: ['celsius', 'fahrenheit'] },
                days: { type: 'ARRAY', items: { type: 'INTEGER' } },
              },
              required: ['city'],
            },
          },
          { name: 'now', description: 'The time' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
  });

  it('maps tool_choice: required to ANY, one function to ANY with allowedFunctionNames, none to NONE', async () => {
    await provider.generate({ ...ask, toolChoice: 'required' }, signal());
    await provider.generate({ ...ask, toolChoice: { name: 'now' } }, signal());
    const none = await provider.generate({ ...ask, toolChoice: 'none' }, signal());
    expect(gemini.requests.map((r) => r.body.toolConfig)).toEqual([
      { functionCallingConfig: { mode: 'ANY' } },
      { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] } },
      { functionCallingConfig: { mode: 'NONE' } },
    ]);
    expect(none).toMatchObject({ text: 'Hi from fake Gemini.', finishReason: 'stop' });
    expect(none.toolCalls).toBeUndefined();
  });

  it('turns functionCall parts into tool calls (id, JSON-string arguments, thought signature kept), finish tool_calls, stream and not', async () => {
    const r = await provider.generate(ask, signal());
    expect(r).toEqual({
      text: '',
      model: 'gemini-1.5-flash',
      usage: { prompt_tokens: 9, completion_tokens: 5 },
      finishReason: 'tool_calls',
      toolCalls: [
        {
          id: expect.stringMatching(/^call_[0-9a-f]{24}$/),
          name: 'get_weather',
          arguments: '{"city":"Paris","unit":"celsius"}',
          signature: THOUGHT_SIGNATURE,
        },
      ],
    });
    const chunks = await drain(provider.stream(ask, signal()));
    expect(gemini.requests[1].path).toBe('/v1beta/models/gemini-1.5-flash:streamGenerateContent?alt=sse');
    expect(chunks).toEqual([
      {
        done: true,
        model: 'gemini-1.5-flash',
        usage: { prompt_tokens: 9, completion_tokens: 5 },
        finishReason: 'tool_calls',
        toolCalls: [
          {
            id: expect.stringMatching(/^call_/),
            name: 'get_weather',
            arguments: '{"city":"Paris","unit":"celsius"}',
            signature: THOUGHT_SIGNATURE,
          },
        ],
      },
    ]);
  });

  it('round trip: the call goes back as a functionCall part (with its thought signature), the tool result as a functionResponse part, and the model answers', async () => {
    const first = await provider.generate(ask, signal());
    const [call] = first.toolCalls ?? [];
    const followUp = {
      system: 'Be brief.',
      tools,
      messages: [
        ...ask.messages,
        { role: 'assistant' as const, content: '', toolCalls: [call, { id: 'call_2', name: 'now', arguments: '' }] },
        { role: 'tool' as const, content: '{"temp":21,"sky":"clear"}', toolCallId: call.id },
        { role: 'tool' as const, content: '12:00', toolCallId: 'call_2' },
      ],
    };
    const answer = await provider.generate(followUp, signal());
    expect(gemini.requests.at(-1)?.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris', unit: 'celsius' } }, thoughtSignature: THOUGHT_SIGNATURE },
          { functionCall: { name: 'now', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21, sky: 'clear' } } },
          { functionResponse: { name: 'now', response: { result: '12:00' } } },
        ],
      },
    ]);
    expect(answer).toMatchObject({
      text: 'Results: get_weather: {"temp":21,"sky":"clear"}; now: {"result":"12:00"}',
      finishReason: 'stop',
    });
    expect(answer.toolCalls).toBeUndefined();
    const streamed = await drain(provider.stream(followUp, signal()));
    expect(streamed.flatMap((c) => ('text' in c ? [c.text] : [])).join('')).toBe(answer.text);
    expect(streamed.at(-1)).toMatchObject({ done: true, finishReason: 'stop' });
  });
});

describe('Gemini through the router', () => {
  let redis: RedisServerHandle;
  let gemini: FakeGemini;
  let ollama: FakeOllama;
  let stack: ChatStack;
  beforeAll(async () => {
    [redis, gemini, ollama] = await Promise.all([startRedisServer(), startFakeGemini(), startFakeOllama()]);
    stack = await startChatStack({
      REDIS_URL: redis.url,
      AI_PROVIDERS: 'gemini,ollama',
      GEMINI_API_KEY: 'k',
      GEMINI_BASE_URL: gemini.url,
      PROVIDER_TIMEOUT_MS: '300',
      OLLAMA_HOST: ollama.url,
      CIRCUIT_FAILURES: '50',
    });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([gemini?.close(), ollama?.close(), redis?.stop()]);
  });

  it('falls back to the next provider on a 429, naming the reason', async () => {
    gemini.mode = 'rate_limited';
    const res = await stack.chat.send({ message: 'hi', user_id: 'g1' });
    expect(res.ai_source).toBe('ollama');
    expect(res.fallbacks).toEqual([
      { provider: 'gemini', reason: expect.stringMatching(/^rate_limited: HTTP 429: .*Resource has been exhausted/) },
    ]);
  });

  it('falls back on a timeout', async () => {
    gemini.mode = 'slow';
    const started = Date.now();
    const res = await stack.chat.send({ message: 'hi', user_id: 'g2' });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(res.ai_source).toBe('ollama');
    expect(res.fallbacks).toEqual([{ provider: 'gemini', reason: 'timeout: no answer within 300 ms' }]);
  });

  it('answers from Gemini when it is healthy, naming it', async () => {
    gemini.mode = 'ok';
    const res = await stack.chat.send({ message: 'hi', user_id: 'g3', session_id: 'a' });
    expect(res).toMatchObject({ response: 'Hi from fake Gemini.', ai_source: 'gemini', ai_model: 'gemini-1.5-flash', fallbacks: [] });
  });
});
