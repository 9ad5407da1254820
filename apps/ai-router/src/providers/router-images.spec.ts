import { AiRouterEnv, loadConfig } from '@nitro/config';
import { createLogger } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import { FakeProvider } from '../../test/support/fake-provider';
import { ProviderRegistry } from './provider-registry';
import { RouterEvent, RouterService } from './router.service';

beforeAll(() => createLogger('test', 'silent'));

const image = { mime: 'image/png', data: 'iVBORw0KGgo=' };
const withImage = { messages: [{ role: 'user' as const, content: 'what is this?', images: [image] }] };
const textOnly = { messages: [{ role: 'user' as const, content: 'hi' }] };

function setup(order = 'ollama,local,gemini') {
  const env = loadConfig(AiRouterEnv, { AI_PROVIDERS: order });
  const p = { ollama: new FakeProvider('ollama'), local: new FakeProvider('local'), gemini: new FakeProvider('gemini') };
  return { p, router: new RouterService(new ProviderRegistry(Object.values(p), env)) };
}

async function collect(it: AsyncIterable<RouterEvent>): Promise<RouterEvent[]> {
  const out: RouterEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

describe('RouterService with images', () => {
  it('skips providers whose model does not read images, naming why, and serves from one that does (whole and streamed)', async () => {
    const { p, router } = setup();
    p.gemini.vision = true;
    const r = await router.generate(withImage);
    expect(r.provider).toBe('gemini');
    expect(r.fallbacks).toEqual([
      { provider: 'ollama', reason: 'images: the model "ollama-model" does not read images' },
      { provider: 'local', reason: 'images: the model "local-model" does not read images' },
    ]);
    expect(p.gemini.requests[0].messages[0].images).toEqual([image]);
    expect([p.ollama.calls, p.local.calls]).toEqual([0, 0]);
    const events = await collect(router.stream(withImage));
    expect(events[0]).toMatchObject({ type: 'meta', provider: 'gemini', fallbacks: [{ provider: 'ollama' }, { provider: 'local' }] });
  });

  it('asks about the model the request would use, and not at all without images', async () => {
    const { p, router } = setup('ollama');
    p.ollama.vision = true;
    await router.generate({ ...withImage, model: 'llava:7b' });
    expect(p.ollama.visionAsked).toEqual(['llava:7b']);
    await router.generate(textOnly);
    expect(p.ollama.visionAsked).toEqual(['llava:7b']);
  });

  it('none can read images: 400 IMAGES_NOT_SUPPORTED in words for a person, with what was tried; nothing is called', async () => {
    const { p, router } = setup();
    p.gemini.configured = false;
    for (const run of [() => router.generate(withImage), () => collect(router.stream(withImage))]) {
      const err = (await run().catch((e) => e)) as ServiceError;
      expect(err).toBeInstanceOf(ServiceError);
      expect([err.status, err.code, err.message]).toEqual([
        400,
        'IMAGES_NOT_SUPPORTED',
        "None of this server's chat models can read images. Describe it in words, or attach text or a PDF.",
      ]);
      expect((err.details as { tried: unknown[] }).tried).toHaveLength(3);
    }
    expect([p.ollama.calls, p.local.calls, p.gemini.calls]).toEqual([0, 0, 0]);
    const forced = (await router.generate(withImage, { provider: 'local' }).catch((e) => e)) as ServiceError;
    expect([forced.status, forced.message]).toEqual([400, expect.stringMatching(/^The model chosen \(local\) cannot read images\./)]);
  });

  it('a provider that reads images but fails is still a 503 (the images were not the problem)', async () => {
    const { p, router } = setup('ollama,local');
    p.ollama.vision = true;
    p.ollama.script = { fail: Object.assign(new Error('HTTP 500'), {}) };
    const err = (await router.generate(withImage).catch((e) => e)) as ServiceError;
    expect([err.status, err.code]).toEqual([503, 'NO_PROVIDER_AVAILABLE']);
  });

  it('a capability check that throws counts as "does not read images"', async () => {
    const { p, router } = setup('ollama,gemini');
    p.ollama.supportsImages = async () => Promise.reject(new Error('boom'));
    p.gemini.vision = true;
    expect((await router.generate(withImage)).provider).toBe('gemini');
  });
});
