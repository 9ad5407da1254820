import type { AiRouterEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import type { ProviderRegistry } from '../providers/provider-registry';
import { ModelRegistry } from './model-registry.service';
import type { ModelSource, SourceModel } from './model-sources';

/** A provider registry with `local` (and `ollama` when asked) configured and every circuit closed. */
function providers(names: ('local' | 'ollama')[], unavailable: Partial<Record<string, string>> = {}): ProviderRegistry {
  return {
    ordered: () => names.map((name) => ({ name })),
    get: (name: string) => (names.includes(name as 'local') ? { name, unavailable: () => unavailable[name] } : undefined),
    breaker: () => ({ snapshot: () => ({ state: 'closed', failures: 0 }) }),
  } as unknown as ProviderRegistry;
}

const source = (provider: 'local' | 'ollama', models: SourceModel[] | Error): ModelSource => ({
  provider,
  list: async () => {
    if (models instanceof Error) throw models;
    return models;
  },
});

const env = { MODELS_REFRESH_MS: 60_000, OLLAMA_MODEL: 'phi3' } as AiRouterEnv;
const stories = { model: 'stories260K', capabilities: ['chat' as const] };

async function rejection(p: Promise<unknown>): Promise<ServiceError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return err as ServiceError;
}

describe('ModelRegistry.routeFor (native chat options.model)', () => {
  const registry = () => new ModelRegistry(providers(['local']), env, [source('local', [stories])]);

  it('pins the provider and model of a registry id', async () => {
    await expect(registry().routeFor({ model: 'local/stories260K' })).resolves.toEqual({ provider: 'local', model: 'stories260K' });
  });

  it.each([
    ['an id whose provider is not one of ours', 'nope/nope'],
    ['an unknown model of a known provider', 'local/nope'],
    ['a provider that is not in AI_PROVIDERS', 'gemini/gemini-2.0-flash'],
  ])('%s is a 404 MODEL_NOT_FOUND naming options.model and listing the ids', async (_what, id) => {
    const err = await rejection(registry().routeFor({ model: id }));
    expect(err.status).toBe(404);
    expect(err.code).toBe('MODEL_NOT_FOUND');
    expect(err.message).toBe(`options.model: the model \`${id}\` does not exist. Models: local/stories260K (GET /models).`);
    expect(err.details).toMatchObject({ param: 'options.model', model: id, models: ['local/stories260K'] });
  });

  it('an id of a provider that cannot be listed is a 503 MODEL_UNAVAILABLE naming options.model', async () => {
    const r = new ModelRegistry(providers(['ollama', 'local']), env, [
      source('ollama', new Error('unreachable: connection refused')),
      source('local', [stories]),
    ]);
    const err = await rejection(r.routeFor({ model: 'ollama/nope' }));
    expect([err.status, err.code]).toEqual([503, 'MODEL_UNAVAILABLE']);
    expect(err.message).toMatch(/^options\.model: the model `ollama\/nope` cannot be served: ollama is unavailable/);
    expect(err.details).toMatchObject({ param: 'options.model' });
  });

  it('a bare name, or any name with provider, keeps its old meaning (that provider’s own name)', async () => {
    await expect(registry().routeFor({ model: 'phi3' })).resolves.toEqual({ provider: undefined, model: 'phi3' });
    await expect(registry().routeFor({ provider: 'ollama', model: 'hf.co/org/name' })).resolves.toEqual({
      provider: 'ollama',
      model: 'hf.co/org/name',
    });
    await expect(registry().routeFor(undefined)).resolves.toEqual({ provider: undefined, model: undefined });
  });
});

describe('ModelRegistry.resolve (/v1)', () => {
  it('keeps OpenAI wording and names `model` for an unknown id', async () => {
    const r = new ModelRegistry(providers(['local']), env, [source('local', [stories])]);
    const err = await rejection(r.resolve('nope/nope'));
    expect([err.status, err.code]).toEqual([404, 'MODEL_NOT_FOUND']);
    expect(err.message).toBe('The model `nope/nope` does not exist. Models: local/stories260K (GET /v1/models).');
    expect(err.details).toMatchObject({ param: 'model' });
  });
});
