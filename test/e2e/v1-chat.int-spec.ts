import OpenAI from 'openai';
import { freePort, waitFor } from '@nitro/testing';
import { Platform, startPlatform } from '../support/platform';

/**
 * The OpenAI-compatible API with the official `openai` SDK against the real gateway and ai-router
 * on the local test model (docs/adr/0008-openai-compatible-api.md). Ollama is first in the routing
 * order but nothing listens there: "default" answers come from `local`, with ollama in the fallbacks.
 */
describe('/v1 with the openai SDK (gateway + ai-router + local model)', () => {
  let p: Platform;
  let client: OpenAI;
  let apiKey: string;
  const LOCAL = 'local/stories260K';

  beforeAll(async () => {
    const deadPort = await freePort();
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: {
        'ai-router': { AI_PROVIDERS: 'ollama,local,gemini', OLLAMA_HOST: `http://127.0.0.1:${deadPort}`, OLLAMA_TIMEOUT_MS: '2000' },
      },
    });
    const key = await p.request('/auth/api-keys', { method: 'POST', json: { name: 'openai sdk' } });
    apiKey = (await key.json()).key;
    client = new OpenAI({ apiKey, baseURL: `${p.baseUrl}/v1`, maxRetries: 0, timeout: 60_000 });
  }, 120_000);
  afterAll(() => p?.stop());

  const ask = {
    model: LOCAL,
    messages: [
      { role: 'system' as const, content: 'Tell a story.' },
      { role: 'user' as const, content: 'Once upon a time' },
    ],
    temperature: 0,
    max_tokens: 32,
  };

  it('lists the local model (models.list, models.retrieve with the id encoded, GET with the raw id)', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toContain(LOCAL);
    const one = await client.models.retrieve(LOCAL);
    expect(one).toMatchObject({ id: LOCAL, object: 'model', owned_by: 'local' });
    const raw = await fetch(`${p.baseUrl}/v1/models/${LOCAL}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(await raw.json()).toMatchObject({ id: LOCAL });
  });

  it('GET /models (native) lists every model with availability, reasons and capabilities', async () => {
    const res = await p.request('/models');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.models).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: LOCAL,
          provider: 'local',
          available: true,
          capabilities: expect.arrayContaining(['chat', 'embeddings']),
        }),
      ]),
    );
    // A user reads why in plain words; the admin reads ai-router's reason (host, connection error).
    const ollama = body.models.find((m: { provider: string }) => m.provider === 'ollama');
    expect(ollama).toMatchObject({ available: false, reason: 'Unavailable right now. Ask your administrator if it stays so.' });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|refused|OLLAMA_HOST/);
    expect(body.providers).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'ollama', available: false })]));
    const asAdmin = await (await fetch(`${p.baseUrl}/models`, { headers: p.admin!.headers })).json();
    const forAdmin = asAdmin.models.find((m: { provider: string }) => m.provider === 'ollama');
    expect(forAdmin).toMatchObject({ available: false, reason: expect.stringMatching(/unreachable|refused/) });
  });

  it('non-stream and stream give the same greedy text, with usage, and say who served', async () => {
    const { data: full, response } = await client.chat.completions.create(ask).withResponse();
    expect(response.headers.get('x-nitro-provider')).toBe('local');
    expect(full.object).toBe('chat.completion');
    expect(full.model).toBe(LOCAL);
    const text = full.choices[0].message.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(full.choices[0].finish_reason).toMatch(/stop|length/);
    expect(full.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(full.usage!.completion_tokens).toBeGreaterThan(0);
    expect(full.usage!.total_tokens).toBe(full.usage!.prompt_tokens + full.usage!.completion_tokens);

    const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } });
    let joined = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      joined += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(joined).toBe(text);
    expect(finish).toBe(full.choices[0].finish_reason);
    expect(usage).toEqual(full.usage);
  });

  it('"default" routes local-first with fallback and lists the fallbacks in a header', async () => {
    const { data, response } = await client.chat.completions.create({ ...ask, model: 'default' }).withResponse();
    expect(data.model).toBe(LOCAL);
    expect(JSON.parse(response.headers.get('x-nitro-fallbacks') ?? '[]')).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'ollama' })]),
    );
  });

  it('is stateless unless x-nitro-session-id opts in', async () => {
    await client.chat.completions.create(ask);
    expect(await (await p.request(`/chat/sessions/${p.userId}`)).json()).toEqual([]);
    await client.chat.completions.create(ask, { headers: { 'x-nitro-session-id': 'from-v1' } });
    const hist = await (await p.request(`/chat/history/${p.userId}?session_id=from-v1`)).json();
    expect(hist.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(hist.messages[0].content).toBe('Once upon a time');
  });

  it('embeds a string and an array: same dimensions, different vectors, base64 = float32', async () => {
    const one = await client.embeddings.create({ model: LOCAL, input: 'a cat sat on the mat', encoding_format: 'float' });
    const two = await client.embeddings.create({
      model: LOCAL,
      input: ['a cat sat on the mat', 'stock markets fell sharply'],
      encoding_format: 'float',
    });
    expect(one.data).toHaveLength(1);
    expect(two.data).toHaveLength(2);
    const [a, b] = two.data.map((d) => d.embedding);
    expect(a.length).toBe(one.data[0].embedding.length);
    expect(b.length).toBe(a.length);
    expect(a.length).toBeGreaterThan(0);
    expect(a).not.toEqual(b);
    expect(two.usage.prompt_tokens).toBeGreaterThan(0);
    // The SDK asks for base64 by default and decodes it: the same numbers as float32.
    const decoded = await client.embeddings.create({ model: LOCAL, input: 'a cat sat on the mat' });
    decoded.data[0].embedding.forEach((x, i) => expect(x).toBeCloseTo(one.data[0].embedding[i], 5));
  });

  it('the SDK shows our message for a bad model, a missing key and an over-long input', async () => {
    const bad = await client.chat.completions.create({ ...ask, model: 'gpt-4o' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.NotFoundError);
    expect((bad as InstanceType<typeof OpenAI.NotFoundError>).message).toContain('The model `gpt-4o` does not exist');
    expect((bad as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(LOCAL);
    expect((bad as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');

    const down = await client.chat.completions.create({ ...ask, model: 'ollama/phi3' }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(OpenAI.InternalServerError);
    expect((down as Error).message).toMatch(/ollama is unavailable|unavailable/);

    const anonymous = new OpenAI({ apiKey: 'nitro_wrong-key', baseURL: `${p.baseUrl}/v1`, maxRetries: 0 });
    const unauth = await anonymous.models.list().catch((e: unknown) => e);
    expect(unauth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unauth as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);

    const long = await client.chat.completions
      .create({ ...ask, messages: [{ role: 'user', content: 'x'.repeat(40_000) }] })
      .catch((e: unknown) => e);
    expect(long).toBeInstanceOf(OpenAI.BadRequestError);
    const err = long as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err.message).toContain('messages[0].content is 40000 characters');
    expect(err.param).toBe('messages[0].content');

    const n2 = await client.chat.completions.create({ ...ask, n: 2 }).catch((e: unknown) => e);
    expect(n2).toBeInstanceOf(OpenAI.BadRequestError);
    expect((n2 as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    // OpenAI's own default is `n: null` (SDKs may send it): the same as leaving it out.
    expect((await client.chat.completions.create({ ...ask, n: null })).choices).toHaveLength(1);
    // OpenAI's ranges and shapes, each refusal naming its field as `param` (a fresh tester found these accepted, or param null).
    for (const [extra, param] of [
      [{ frequency_penalty: 5 }, 'frequency_penalty'],
      [{ stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
      [{ model: '' }, 'model'],
      [{ foo: 1 }, 'foo'],
    ] as const) {
      const bad = await client.chat.completions.create({ ...ask, ...extra } as never).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    }

    const tools = await client.chat.completions
      .create({ ...ask, tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }] })
      .catch((e: unknown) => e);
    expect(tools).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tools as Error).message).toMatch(/Tool calls are not supported/);
    expect((tools as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('tools');
    // Tool-call history without `tools`: the refusal names the message that carries it, not a `tools` never sent.
    const history = await client.chat.completions
      .create({
        ...ask,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c1', content: 'ok' },
          { role: 'user', content: 'go' },
        ],
      })
      .catch((e: unknown) => e);
    expect(history).toBeInstanceOf(OpenAI.BadRequestError);
    expect((history as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages[2]');
  });

  it('native POST /chat: options.model takes registry ids (404 naming options.model, the id and the list, 503 with the reason), user_id defaults to the caller', async () => {
    const ok = await p.request('/chat', {
      method: 'POST',
      json: { message: 'Once upon a time', options: { model: LOCAL, temperature: 0, max_tokens: 8 } },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ai_source: 'local', ai_model: 'stories260K', fallbacks: [] });
    // An unknown model of a known provider, and an id whose provider is not one of ours: a 404 at once,
    // not a 503 NO_PROVIDER_AVAILABLE after every provider was tried.
    for (const id of ['local/nope', 'nope/nope']) {
      const unknown = await p.request('/chat', { method: 'POST', json: { message: 'hi', options: { model: id } } });
      expect(unknown.status).toBe(404);
      const notFound = await unknown.json();
      expect(notFound).toMatchObject({
        error: 'MODEL_NOT_FOUND',
        message: expect.stringContaining(`options.model: the model \`${id}\` does not exist. Models: `),
        details: { param: 'options.model' },
      });
      expect(notFound.message).toContain(LOCAL);
      const streamed = await p.request('/chat/stream', { method: 'POST', json: { message: 'hi', options: { model: id } } });
      const events = await streamed.text();
      expect(events).toMatch(/event: error\ndata: .*"status":404,"code":"MODEL_NOT_FOUND","message":"options\.model: the model/);
      expect(events).not.toMatch(/event: (meta|token|done)\n/);
    }
    // The same id on /v1 is OpenAI's 404 naming `model`.
    const v1 = await p.request('/v1/chat/completions', {
      method: 'POST',
      json: { model: 'nope/nope', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(v1.status).toBe(404);
    expect((await v1.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const down = await p.request('/chat/stream', { method: 'POST', json: { message: 'hi', options: { model: 'ollama/phi3' } } });
    expect(await down.text()).toMatch(/"status":503,"code":"MODEL_UNAVAILABLE".*ollama/);
    // The Swagger example, as a new user tries it: no user_id, no provider.
    const newbie = await p.createUser();
    const example = await fetch(`${p.baseUrl}/chat`, {
      method: 'POST',
      headers: { ...newbie.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'Explain Redis Streams in two sentences.',
        session_id: 'default',
        options: { temperature: 0.7, max_tokens: 16 },
      }),
    });
    expect(example.status).toBe(200);
    expect((await (await fetch(`${p.baseUrl}/chat/sessions/${newbie.id}`, { headers: newbie.headers })).json())[0].session_id).toBe(
      'default',
    );
  });

  it('GET /metrics as JSON carries the seed fields', async () => {
    const res = await fetch(`${p.baseUrl}/metrics`, { headers: { ...p.admin!.headers, accept: 'application/json' } });
    const body = await res.json();
    expect(body).toMatchObject({
      cpu_percent: expect.any(Number),
      memory: { total_gb: expect.any(Number), available_gb: expect.any(Number), percent: expect.any(Number) },
      sessions: { active: expect.any(Number), total_messages: expect.any(Number) },
      uptime_seconds: expect.any(Number),
    });
  });

  it('aborting a stream frees the model at once: the next request is as fast as on an idle system', async () => {
    const small = { ...ask, max_tokens: 8 };
    const timed = async () => {
      const t = performance.now();
      await client.chat.completions.create(small);
      return performance.now() - t;
    };
    const idle = Math.min(await timed(), await timed(), await timed());
    const aborted = async () => {
      const text = await (await fetch(`${p.urlOf('ai-router')}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('nitro_ai_provider_latency_seconds_count{') &&
            l.includes('provider="local"') &&
            l.includes('mode="stream"') &&
            l.includes('outcome="aborted"'),
        );
      return Number(line?.split(' ').pop() ?? 0);
    };
    const before = await aborted();
    const ac = new AbortController();
    const stream = await client.chat.completions.create({ ...ask, max_tokens: 4000, stream: true }, { signal: ac.signal });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) break; // leaving the loop aborts the request
    }
    ac.abort();
    const after = await timed();
    expect(after).toBeLessThan(idle * 3 + 250);
    // ai-router recorded the attempt as aborted by the caller (not finished for nobody).
    await waitFor(async () => ((await aborted()) === before + 1 ? true : undefined), {
      timeoutMs: 5_000,
      description: 'an aborted local stream attempt in ai-router metrics',
    });
  });
});
