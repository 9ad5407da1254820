import { AiRouterEnv, loadConfig } from '@nitro/config';
import { createLogger } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import { FakeProvider } from '../../test/support/fake-provider';
import { ContextTooLongError, ProviderError } from './provider-error';
import { ProviderRegistry } from './provider-registry';
import { IncompleteStreamError, RouterEvent, RouterService } from './router.service';

beforeAll(() => createLogger('test', 'silent'));

const req = { messages: [{ role: 'user' as const, content: 'hi' }] };
const refused = () =>
  Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } });

function setup(order = 'ollama,local,gemini', circuit = { CIRCUIT_FAILURES: '2', CIRCUIT_COOLDOWN_MS: '60000' }) {
  const env = loadConfig(AiRouterEnv, { AI_PROVIDERS: order, ...circuit });
  const p = { ollama: new FakeProvider('ollama'), local: new FakeProvider('local'), gemini: new FakeProvider('gemini') };
  const registry = new ProviderRegistry(Object.values(p), env);
  return { p, registry, router: new RouterService(registry) };
}

async function collect(it: AsyncIterable<RouterEvent>): Promise<RouterEvent[]> {
  const out: RouterEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

describe('RouterService.generate', () => {
  it('answers from the first provider in AI_PROVIDERS order', async () => {
    const { p, router } = setup('local,ollama');
    const r = await router.generate(req);
    expect([r.provider, r.model, r.fallbacks]).toEqual(['local', 'local-model', []]);
    expect(p.ollama.calls).toBe(0);
  });

  it('falls back on connection error, 5xx and timeout, naming each reason', async () => {
    const { p, router } = setup();
    p.ollama.script = { fail: refused() };
    p.local.script = { delayMs: 5000 }; // its timeout is 1000 ms
    p.local = Object.assign(p.local, { timeoutMs: 50 });
    p.gemini.script = { chunks: ['from', ' gemini'] };
    const r = await router.generate(req);
    expect(r.provider).toBe('gemini');
    expect(r.result.text).toBe('from gemini');
    expect(r.fallbacks).toEqual([
      { provider: 'ollama', reason: expect.stringMatching(/^connection: ECONNREFUSED/) },
      { provider: 'local', reason: 'timeout: no answer within 50 ms' },
    ]);
  });

  it('a prompt too long for every provider that could serve it is a 400 CONTEXT_TOO_LONG with the tokens over, not a 503 (issue 14)', async () => {
    const { p, router } = setup();
    p.ollama.script = { fail: refused() };
    p.local.script = { fail: new ContextTooLongError('local', 'the prompt is 2100 tokens: 70 tokens over', 70, 2048) };
    p.gemini.configured = false;
    const err = (await router.generate(req).catch((e) => e)) as ServiceError;
    expect(err).toBeInstanceOf(ServiceError);
    expect([err.status, err.code, err.message]).toEqual([400, 'CONTEXT_TOO_LONG', 'local: the prompt is 2100 tokens: 70 tokens over']);
    expect(err.details).toMatchObject({ over_by: 70, context_size: 2048 });
    const streamed = (await collect(router.stream(req)).catch((e) => e)) as ServiceError;
    expect([streamed.status, streamed.code]).toEqual([400, 'CONTEXT_TOO_LONG']);
  });

  it('a provider with a larger context still serves what another could not fit', async () => {
    const { p, router } = setup('local,gemini');
    p.local.script = { fail: new ContextTooLongError('local', '70 tokens over', 70, 2048) };
    p.gemini.script = { chunks: ['fits'] };
    expect((await router.generate(req)).provider).toBe('gemini');
  });

  it('skips unconfigured providers without calling them', async () => {
    const { p, router } = setup();
    p.ollama.configured = false;
    const r = await router.generate(req);
    expect(r.provider).toBe('local');
    expect(r.fallbacks).toEqual([{ provider: 'ollama', reason: 'not configured: configure ollama' }]);
    expect(p.ollama.calls).toBe(0);
  });

  it('opens the circuit after N failures and stops calling that provider', async () => {
    const { p, router, registry } = setup();
    p.ollama.script = { fail: new ProviderError('ollama', 'server', 'HTTP 500: boom', 500) };
    await router.generate(req);
    await router.generate(req);
    expect(registry.breaker('ollama').snapshot().state).toBe('open');
    const r = await router.generate(req);
    expect(p.ollama.calls).toBe(2);
    expect(r.fallbacks[0].reason).toMatch(/^circuit open after 2 consecutive failures; next probe in 60 s/);
  });

  it('does not count a request-specific 400 against the circuit', async () => {
    const { p, router, registry } = setup();
    p.ollama.script = { fail: new ProviderError('ollama', 'client', 'HTTP 400: bad option', 400) };
    for (let i = 0; i < 3; i++) await router.generate(req);
    expect(registry.breaker('ollama').snapshot()).toEqual({ state: 'closed', failures: 0 });
  });

  it('with options.provider uses only that one, and 503s when it fails', async () => {
    const { p, router } = setup();
    p.gemini.script = { fail: new ProviderError('gemini', 'rate_limited', 'HTTP 429: quota', 429) };
    const err = await router.generate(req, { provider: 'gemini' }).catch((e) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err.status).toBe(503);
    expect(err.message).toContain('options.provider is "gemini"');
    expect(p.ollama.calls + p.local.calls).toBe(0);
  });

  it('503 lists what was tried and what to configure when nothing can answer', async () => {
    const { p, router } = setup();
    p.ollama.script = { fail: refused() };
    p.local.configured = false;
    p.gemini.configured = false;
    const err = (await router.generate(req).catch((e) => e)) as ServiceError;
    expect(err.toPayload()).toEqual(
      expect.objectContaining({
        status: 503,
        code: 'NO_PROVIDER_AVAILABLE',
        details: expect.objectContaining({ configure: ['OLLAMA_HOST', 'GEMINI_API_KEY', 'LOCAL_MODEL_PATH'] }),
      }),
    );
    expect(err.message).toMatch(
      /Tried: ollama \(connection: ECONNREFUSED.*\); local \(not configured: configure local\); gemini \(not configured/,
    );
    expect(err.message).toMatch(/OLLAMA_HOST.*GEMINI_API_KEY.*LOCAL_MODEL_PATH/);
  });

  it('does not fall back when the caller cancelled', async () => {
    const { p, router } = setup();
    p.ollama.script = { delayMs: 1000 };
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('gone')), 20);
    const err = await router.generate(req, { signal: ac.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.kind).toBe('aborted');
    expect(p.local.calls).toBe(0);
  });
});

describe('RouterService.stream', () => {
  it('sends meta at the first token, then tokens, then done', async () => {
    const { p, router } = setup();
    p.ollama.script = { chunks: ['a', '', 'b'] };
    const events = await collect(router.stream(req));
    expect(events).toEqual([
      { type: 'meta', provider: 'ollama', model: 'ollama-model', fallbacks: [] },
      { type: 'token', text: 'a' },
      { type: 'token', text: 'b' },
      { type: 'done', provider: 'ollama', model: 'ollama-model', usage: { prompt_tokens: 3, completion_tokens: 3 }, finishReason: 'stop' },
    ]);
  });

  it('falls back when a stream fails before its first token', async () => {
    const { p, router } = setup();
    p.ollama.script = { chunks: ['x'], breakAfter: 0 };
    const events = await collect(router.stream(req));
    expect(events[0]).toEqual({
      type: 'meta',
      provider: 'local',
      model: 'local-model',
      fallbacks: [{ provider: 'ollama', reason: 'unknown: socket closed' }],
    });
    expect(events[events.length - 1].type).toBe('done');
  });

  it('reports a break after tokens as incomplete, without falling back', async () => {
    const { p, router, registry } = setup();
    p.ollama.script = { chunks: ['one', ' two', ' three'], breakAfter: 2, breakWith: new TypeError('terminated') };
    const seen: RouterEvent[] = [];
    const err = await (async () => {
      for await (const ev of router.stream(req)) seen.push(ev);
    })().catch((e) => e);
    expect(seen.map((e) => e.type)).toEqual(['meta', 'token', 'token']);
    expect(err).toBeInstanceOf(IncompleteStreamError);
    expect(err.message).toMatch(/ollama stopped mid-answer \(broken_stream: connection closed mid-answer\)/);
    expect(p.local.calls).toBe(0);
    expect(registry.breaker('ollama').snapshot().failures).toBe(1);
  });

  it('times out on the gap between chunks, not the whole answer', async () => {
    const { p, router } = setup('ollama');
    p.ollama = Object.assign(p.ollama, { timeoutMs: 80 });
    p.ollama.script = { chunks: Array.from({ length: 6 }, () => 'x'), delayMs: 50 };
    // 6 chunks at ~0 ms apart after a 50 ms start: well within an 80 ms gap, though the total may exceed it.
    const events = await collect(router.stream(req));
    expect(events[events.length - 1].type).toBe('done');
  });

  it('cancels the provider when the consumer stops reading', async () => {
    const { p, router } = setup();
    let aborted = false;
    p.ollama.stream = async function* (_r, signal) {
      signal.addEventListener('abort', () => (aborted = true));
      yield { text: 'a' };
      yield { text: 'b' };
      yield { done: true, model: 'm', usage: {}, finishReason: 'stop' };
    };
    for await (const ev of router.stream(req)) if (ev.type === 'token') break;
    expect(aborted).toBe(true);
  });
});
