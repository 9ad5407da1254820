import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@nitro/testing';
import { LlamaEngine } from '../src/providers/local/llama-engine';
import { LocalLlamaProvider } from '../src/providers/local/local-llama.provider';
import { resolveModelFile } from '../src/providers/local/model-file.util';
import { ProviderError } from '../src/providers/provider-error';
import { MODEL_PATH } from './support/chat-stack';

jest.setTimeout(60_000);

/**
 * Several local models in MODELS_DIR (the test model under two names): each request's model picks
 * its file, a model loads on first use with concurrent first uses sharing one load, idle models are
 * unloaded, and a model in use is not unloaded under a request.
 */
describe('local provider: models of MODELS_DIR, load on first use, idle unload', () => {
  let dir: string;
  let provider: LocalLlamaProvider;
  let loads: jest.SpyInstance;
  const req = (model?: string) => ({
    messages: [{ role: 'user' as const, content: 'Once upon a time' }],
    temperature: 0,
    maxTokens: 8,
    model,
  });
  const signal = () => AbortSignal.timeout(20_000);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-local-models-'));
    copyFileSync(MODEL_PATH, join(dir, 'alpha.gguf'));
    copyFileSync(MODEL_PATH, join(dir, 'beta.gguf'));
    loads = jest.spyOn(LlamaEngine.prototype as unknown as { doLoad: () => Promise<unknown> }, 'doLoad');
    provider = new LocalLlamaProvider({
      modelPath: '',
      modelsDir: dir,
      contextSize: 256,
      threads: 1,
      timeoutMs: 20_000,
      idleUnloadMs: 600,
    });
  });
  afterAll(async () => {
    await provider.dispose();
    loads.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every .gguf, default first, and names the model a request asks for', () => {
    expect(provider.files().map((f) => [f.name, f.source])).toEqual([
      ['alpha', 'MODELS_DIR'],
      ['beta', 'MODELS_DIR'],
    ]);
    expect(provider.modelFor(req())).toBe('alpha');
    expect(provider.modelFor(req('beta'))).toBe('beta');
  });

  it('concurrent first uses of one file share one load; another file loads once too', async () => {
    const results = await Promise.all([
      provider.generate(req('beta'), signal()),
      provider.generate(req('beta'), signal()),
      provider.generate(req('beta'), signal()),
      provider.generate(req(), signal()),
    ]);
    expect(results.map((r) => r.model)).toEqual(['beta', 'beta', 'beta', 'alpha']);
    expect(loads).toHaveBeenCalledTimes(2);
    expect(provider.engineState(join(dir, 'beta.gguf'))).toEqual({ loaded: true, busy: false });
  });

  it('a model in use is not unloaded; an idle one is unloaded after idleUnloadMs and loads again on its next use', async () => {
    const running = provider.generate({ ...req('beta'), maxTokens: 64 }, signal());
    await waitFor(() => provider.engineState(join(dir, 'beta.gguf')).busy, { timeoutMs: 5_000, intervalMs: 5 });
    expect(await provider.unload(join(dir, 'beta.gguf'))).toBe('busy');
    await running;
    await waitFor(() => !provider.engineState(join(dir, 'beta.gguf')).loaded && !provider.engineState(join(dir, 'alpha.gguf')).loaded, {
      timeoutMs: 5_000,
    });
    const before = loads.mock.calls.length;
    expect((await provider.generate(req('beta'), signal())).model).toBe('beta');
    expect(loads.mock.calls.length).toBe(before + 1);
    expect(await provider.unload(join(dir, 'beta.gguf'))).toBe('unloaded');
  });

  it('an unknown model is a client error (404) listing the local models', async () => {
    const err = await provider.generate(req('gamma'), signal()).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'client', status: 404, message: 'no local model "gamma"; local models: alpha, beta' });
  });

  it('a LOCAL_MODEL_PATH naming a missing file does not switch the provider off: the files of MODELS_DIR are served, the problem is reported', async () => {
    const missing = join(dir, 'deleted-by-the-admin.gguf');
    const p = new LocalLlamaProvider({ modelPath: missing, modelsDir: dir, contextSize: 256, threads: 1, timeoutMs: 20_000 });
    try {
      expect(p.unavailable()).toBeNull();
      expect(p.files().map((f) => [f.name, f.source])).toEqual([
        ['alpha', 'MODELS_DIR'],
        ['beta', 'MODELS_DIR'],
      ]);
      expect(p.modelFor(req())).toBe('alpha');
      expect((await p.generate(req(), signal())).model).toBe('alpha');
      expect(resolveModelFile(missing, dir)).toEqual({
        path: join(dir, 'alpha.gguf'),
        problem: `LOCAL_MODEL_PATH=${missing} is not a file`,
      });
      const empty = mkdtempSync(join(tmpdir(), 'nitro-no-models-'));
      expect(
        new LocalLlamaProvider({ modelPath: missing, modelsDir: empty, contextSize: 256, threads: 1, timeoutMs: 1000 }).unavailable(),
      ).toMatch(/LOCAL_MODEL_PATH=.*deleted-by-the-admin\.gguf is not a file and .* has no \.gguf file/);
      rmSync(empty, { recursive: true, force: true });
    } finally {
      await p.dispose();
    }
  });
});
