import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@nitro/testing';
import { RangeFileServer, startRangeFileServer } from '../../apps/ai-router/test/support/range-file-server';
import { MODEL_PATH, Platform, startPlatform } from '../support/platform';

const ROOT = join(__dirname, '..', '..');
const TEST_MODEL = readFileSync(MODEL_PATH);
const TEST_SHA = createHash('sha256').update(TEST_MODEL).digest('hex');

/**
 * The provisioning step of scripts/start.sh (`provision_model` in scripts/lib.sh, which runs the built
 * dist/apps/ai-router/src/model-download.js), with NITRO_DEFAULT_MODEL_URL/_SHA256 pointed at a local
 * Range server serving the test model; then chat through a started platform (gateway + ai-router
 * processes) serving that folder as MODELS_DIR. It exports no LOCAL_MODEL_PATH (that would pin the first file and make
 * it undeletable). Needs `pnpm build`.
 */
describe('scripts/start.sh: first start provisions the chat model', () => {
  let server: RangeFileServer;
  let dir: string;
  beforeAll(async () => {
    server = await startRangeFileServer({ '/models/stories260K.gguf': TEST_MODEL });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-start-models-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs provision_model as start.sh does, in a clean environment; returns its output and the LOCAL_MODEL_PATH it exported. */
  const provision = async (env: Record<string, string>) => {
    const ollama = `http://127.0.0.1:${await freePort()}`;
    // Asynchronous: the Range server runs in this process and must keep answering meanwhile.
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'bash',
        ['-c', 'source scripts/lib.sh && provision_model "$1" && echo "EXPORTED=${LOCAL_MODEL_PATH:-}"', 'start', join(dir, 'models')],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? '',
            OLLAMA_HOST: ollama,
            MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS: '3000',
            ...env,
          },
          encoding: 'utf8',
          timeout: 60_000,
        },
        (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, exported: /EXPORTED=(.*)/.exec(r.stdout)?.[1] ?? '' };
  };

  it('downloads the model NITRO_DEFAULT_MODEL_URL names (no flag needed), verifies it, and chat answers from it', async () => {
    const r = await provision({ NITRO_DEFAULT_MODEL_URL: server.url('/models/stories260K.gguf'), NITRO_DEFAULT_MODEL_SHA256: TEST_SHA });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/model: downloading stories260K\.gguf \(from NITRO_DEFAULT_MODEL_URL\): stories260K\.gguf, 1\.2 MB/);
    expect(r.out).toMatch(/model: licence /);
    expect(r.out).toMatch(new RegExp(`model: ready: .*stories260K\\.gguf \\(1\\.2 MB, .*sha256 ${TEST_SHA} verified\\)`));
    expect(r.out).toMatch(/100\.0% 1\.2\/1\.2 MB/); // the progress bar reached the end
    expect(r.exported).toBe('');
    expect(existsSync(join(dir, 'models', 'stories260K.gguf'))).toBe(true);
    expect(existsSync(join(dir, 'models', '.incoming', 'stories260K.gguf'))).toBe(false);

    // The second start finds it and downloads nothing.
    server.requests.length = 0;
    const again = await provision({
      NITRO_DEFAULT_MODEL_URL: server.url('/models/stories260K.gguf'),
      NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
    });
    expect(again.out).toMatch(/already there; nothing to download/);
    expect(again.exported).toBe('');
    expect(server.requests).toEqual([]);
    // An admin's pull landed next to it (named to sort first) before a restart: nothing pins it.
    copyFileSync(join(dir, 'models', 'stories260K.gguf'), join(dir, 'models', 'a-pulled.gguf'));
    expect((await provision({ NITRO_DOWNLOAD_MODEL: '0' })).exported).toBe('');

    let p: Platform | undefined;
    try {
      p = await startPlatform({
        services: ['ai-router'],
        env: { LOCAL_MODEL_PATH: r.exported },
        appEnv: { 'ai-router': { AI_PROVIDERS: 'local', LOCAL_CONTEXT_SIZE: '512', MODELS_DIR: join(dir, 'models') } },
      });
      const res = await p.request('/chat', {
        method: 'POST',
        json: { message: 'Once upon a time', user_id: p.userId, options: { temperature: 0, max_tokens: 16 } },
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ ai_source: 'local', ai_model: 'a-pulled' }); // no LOCAL_MODEL_PATH: the first file by name
      expect(body.response.length).toBeGreaterThan(0);
      // Both files are MODELS_DIR files the admin may delete (none became LOCAL_MODEL_PATH).
      const admin = p.admin!.headers;
      const list = await (await p.request('/admin/models', { headers: admin })).json();
      expect(list.models.map((m: { name: string; source: string }) => [m.name, m.source])).toEqual([
        ['a-pulled.gguf', 'MODELS_DIR'],
        ['stories260K.gguf', 'MODELS_DIR'],
      ]);
      expect((await p.request('/admin/models/a-pulled.gguf', { method: 'DELETE', headers: admin })).status).toBe(200);
    } finally {
      await p?.stop();
    }
  });

  it('offline: returns within the answer timeout, exports nothing, and says how to provide a model and which providers are configured', async () => {
    const t0 = Date.now();
    const r = await provision({
      NITRO_DEFAULT_MODEL_URL: `http://127.0.0.1:${await freePort()}/models/stories260K.gguf`,
      NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
    });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.status).toBe(0);
    expect(r.exported).toBe('');
    expect(r.out).toMatch(/could not provide .*cannot reach 127\.0\.0\.1:\d+/);
    expect(r.out).toMatch(/copy a \.gguf chat model into .*models\//);
    expect(r.out).toMatch(
      /chat providers \(AI_PROVIDERS, tried in this order\):\n\s+- ollama: no answer at OLLAMA_HOST=[^\n]+\n\s+- local: [^\n]+\n\s+- gemini: not configured/,
    );
  });

  it('NITRO_DOWNLOAD_MODEL=0 downloads nothing; a LOCAL_MODEL_PATH that is set is kept as it is', async () => {
    server.requests.length = 0;
    const off = await provision({
      NITRO_DOWNLOAD_MODEL: '0',
      NITRO_DEFAULT_MODEL_URL: server.url('/models/stories260K.gguf'),
      NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
    });
    expect(off.out).toMatch(/download is off \(NITRO_DOWNLOAD_MODEL=0\)/);
    expect(off.exported).toBe('');
    const own = await provision({
      LOCAL_MODEL_PATH: MODEL_PATH,
      NITRO_DEFAULT_MODEL_URL: server.url('/models/stories260K.gguf'),
      NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
    });
    expect(own.exported).toBe(MODEL_PATH);
    expect(server.requests).toEqual([]);
  });

  it('start.sh provisions before it starts ai-router, with no opt-in flag', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'start.sh'), 'utf8');
    const at = script.indexOf('provision_model "${MODELS_DIR:-$ROOT/models}"');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(script.indexOf('for svc in ai-router'));
    expect(script).not.toMatch(/NITRO_DOWNLOAD_MODEL:-0/);
  });
});
