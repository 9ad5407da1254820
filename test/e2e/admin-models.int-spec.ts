import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@nitro/testing';
import { axeAudit, launchBrowser, type TestBrowser } from '../support/browser';
import { RangeFileServer, SeenRequest, startRangeFileServer } from '../../apps/ai-router/test/support/range-file-server';
import { MODEL_PATH, Platform, readSse, SseEvent, startPlatform } from '../support/platform';

jest.setTimeout(120_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TEST_MODEL = readFileSync(MODEL_PATH);
const TEST_SHA = sha256(TEST_MODEL);
const MiB = 1024 * 1024;
// Past ipull's 5 MB chunk, so a resume can start beyond the beginning; under the limit below.
const BIG = Buffer.concat([Buffer.from('GGUF'), randomBytes(12 * MiB - 4)]);
const HUGE = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(17 * MiB)]);
const MAX_BYTES = 16 * MiB;
/** Another GGUF file under the test model's name (a new revision): what a replace installs. */
const V2 = Buffer.concat([TEST_MODEL, Buffer.from('revision 2')]);

/**
 * The admin's model management end to end: real gateway and ai-router processes, Redis, BullMQ,
 * node-llama-cpp, and a local HTTP server with Range support standing in for Hugging Face
 * (MODEL_HF_ENDPOINT) and any other model host. ai-router starts with an empty MODELS_DIR: no chat model.
 */
describe('admin models: pull (BullMQ, SSE), list, chat with the pulled model, delete', () => {
  let server: RangeFileServer;
  /** Hugging Face's stand-in (MODEL_HF_ENDPOINT). */
  let hf: RangeFileServer;
  let p: Platform;
  let dir: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    hf = await startRangeFileServer({ '/nitro-test/tiny/resolve/main/stories260K.gguf': TEST_MODEL });
    server = await startRangeFileServer({
      '/m/stories260K.gguf': TEST_MODEL,
      '/m/big.gguf': BIG,
      '/m/huge.gguf': HUGE,
      '/m/page.gguf': Buffer.from('<html>sign in</html>'.repeat(100)),
      '/v2/stories260K.gguf': V2,
      '/login/stories260K.gguf': Buffer.from('<html>sign in</html>'.repeat(100)),
    });
    dir = mkdtempSync(join(tmpdir(), 'nitro-admin-models-'));
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: {
        'ai-router': {
          AI_PROVIDERS: 'local',
          LOCAL_MODEL_PATH: '',
          MODELS_DIR: dir,
          MODEL_HF_ENDPOINT: hf.url(''),
          MODEL_PULL_MAX_BYTES: String(MAX_BYTES),
          MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS: '5000',
          MODEL_DOWNLOAD_STALL_TIMEOUT_MS: '60000',
          // What the PWA's Download button pulls (the recommended model in GET /admin/models).
          NITRO_DEFAULT_MODEL_URL: server.url('/m/stories260K.gguf'),
          NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
        },
      },
    });
    admin = p.admin!.headers;
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
    await server?.close();
    await hf?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => server.setFault(undefined));

  const asAdmin = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    p.request(path, { ...init, headers: { ...admin, ...((init.headers as Record<string, string>) ?? {}) } });
  const pull = async (body: unknown) => {
    const res = await asAdmin('/admin/models/pull', { method: 'POST', json: body });
    return { status: res.status, body: await res.json() };
  };
  const follow = async (jobId: string): Promise<SseEvent[]> => {
    const res = await asAdmin(`/admin/models/pull/${jobId}`, { headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    return readSse(res);
  };
  const ggufs = () => readdirSync(dir).filter((f) => f.endsWith('.gguf'));
  const incoming = () => (existsSync(join(dir, '.incoming')) ? readdirSync(join(dir, '.incoming')) : []);

  it('is for the admin: 401 without a token, 403 for a user', async () => {
    expect((await fetch(`${p.baseUrl}/admin/models`)).status).toBe(401);
    const asUser = await p.request('/admin/models');
    expect(asUser.status).toBe(403);
    expect(await asUser.json()).toMatchObject({ error: 'FORBIDDEN' });
    const userPull = await p.request('/admin/models/pull', { method: 'POST', json: { model: server.url('/m/stories260K.gguf') } });
    expect(userPull.status).toBe(403);
    expect((await p.request('/admin/models/stories260K.gguf', { method: 'DELETE' })).status).toBe(403);
    // Whatever the body or path: the admin check comes before validation (a 400 would describe the route's input).
    const refused: [string, RequestInit & { json?: unknown }][] = [
      ['/admin/models/pull', { method: 'POST', json: { model: 'ftp://example.org/x.gguf' } }],
      ['/admin/models/pull', { method: 'POST', json: {} }],
      ['/admin/models/pull', { method: 'POST', json: { model: server.url('/m/stories260K.gguf'), path: '/etc' } }],
      ['/admin/models/..%2F..%2Fetc%2Fpasswd', { method: 'DELETE' }],
      ['/admin/models/pull/not-a-job', {}],
      ['/auth/settings', { method: 'PATCH', json: { registration_open: 'yes' } }],
      ['/auth/users?limit=-1', {}],
      ['/auth/users/..%2Fx/disable', { method: 'POST' }],
    ];
    for (const [path, init] of refused) {
      const res = await p.request(path, init);
      expect([path, res.status, (await res.json()).error]).toEqual([path, 403, 'FORBIDDEN']);
    }
  });

  it('starts with no chat model: GET /models says local is unavailable, the list is empty', async () => {
    const models = await (await p.request('/models')).json();
    expect(models.models.filter((m: { available: boolean }) => m.available)).toEqual([]);
    expect(models.providers).toEqual([
      expect.objectContaining({ provider: 'local', available: false, reason: 'Not set up on this server. Ask your administrator.' }),
    ]);
    const forAdmin = await (await asAdmin('/models')).json();
    expect(forAdmin.providers[0].reason).toMatch(/^not configured: .*LOCAL_MODEL_PATH/);
    const list = await (await asAdmin('/admin/models')).json();
    expect(list).toMatchObject({ models_dir: dir, models: [], pulls: [] });
  });

  it('with no model, chat answers 503 NO_PROVIDER_AVAILABLE: plainly and with no server details to a user, in full to the admin', async () => {
    const plain = 'No chat model is available on this server yet. Ask your administrator to add one.';
    const leaks = new RegExp(
      [dir, 'OLLAMA_HOST', 'ECONNREFUSED', 'LOCAL_MODEL_PATH', 'model-download', 'pnpm'].map((w) => w.replace(/[./]/g, '\\$&')).join('|'),
    );
    const chat = { message: 'Hello', user_id: p.userId };
    const asUser = await p.request('/chat', { method: 'POST', json: chat });
    expect(asUser.status).toBe(503);
    const userBody = await asUser.json();
    expect(userBody).toMatchObject({ error: 'NO_PROVIDER_AVAILABLE', message: plain });
    expect(userBody.details).toBeUndefined();

    const stream = await p.request('/chat/stream', { method: 'POST', json: chat });
    const streamText = stream.headers.get('content-type')?.includes('text/event-stream')
      ? JSON.stringify((await readSse(stream)).filter((e) => e.event === 'error'))
      : await stream.text();
    expect(streamText).toContain(plain);
    expect(streamText).not.toMatch(leaks);

    for (const stream of [false, true]) {
      const v1 = await p.request('/v1/chat/completions', {
        method: 'POST',
        json: { model: 'local/anything', messages: [{ role: 'user', content: 'Hi' }], stream },
      });
      const text = await v1.text();
      expect([stream, v1.status]).toEqual([stream, 503]);
      expect(JSON.parse(text)).toEqual({
        error: {
          message: expect.stringMatching(/local is unavailable\. Ask your administrator, or choose another model\.$/),
          type: 'server_error',
          param: 'model',
          code: 'model_unavailable',
        },
      });
      expect(text).not.toMatch(leaks);
    }

    const asAdmin_ = await asAdmin('/chat', { method: 'POST', json: { ...chat, user_id: p.admin!.id } });
    expect(asAdmin_.status).toBe(503);
    const adminBody = await asAdmin_.json();
    expect(adminBody.message).toMatch(/Tried: local \(.*\)\..*POST \/admin\/models\/pull or the PWA's Download/);
    expect(adminBody.details.tried).toEqual([expect.objectContaining({ provider: 'local' })]);
  });

  it.each([
    ['an ftp URI', { model: 'ftp://example.org/x.gguf' }, /^model must be "hf:/],
    ['a URL that is not a .gguf file', { model: 'https://example.org/x.bin' }, /^model must be/],
    ['the hf: quantisation shorthand', { model: 'hf:user/repo:Q4_K_M' }, /^model must be/],
    ['no model', {}, /model/],
    ['a digest that is not sha256', { model: 'hf:a/b/c.gguf', sha256: 'abc' }, /^sha256 must be a sha256 digest/],
    ['an unknown field', { model: 'hf:a/b/c.gguf', path: '/etc' }, /path/],
  ])('refuses %s with a 400 naming the field', async (_name, body, message) => {
    const r = await pull(body);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'VALIDATION_FAILED' });
    expect([r.body.message].flat().join('; ')).toMatch(message);
  });

  it('refuses paths in a model name (400) and answers 404 for unknown names and pulls', async () => {
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '.incoming', '%2Fetc%2Fpasswd', 'a%5Cb.gguf']) {
      const res = await asAdmin(`/admin/models/${name}`, { method: 'DELETE' });
      expect([name, res.status]).toEqual([name, 400]);
      expect(JSON.stringify(await res.json())).toMatch(/name must be/);
    }
    expect((await asAdmin('/admin/models/nothing.gguf', { method: 'DELETE' })).status).toBe(404);
    expect((await asAdmin('/admin/models/pull/pull-000000000000000000000000')).status).toBe(404);
    expect((await asAdmin('/admin/models/pull/../../x')).status).toBeGreaterThanOrEqual(400);
    expect((await asAdmin('/admin/models/pull/not-a-job')).status).toBe(400);
  });

  it('pulls an hf: model with its sha256: progress as SSE, then served by GET /models, /v1/models and chat; deleted after', async () => {
    const accepted = await pull({ model: 'hf:nitro-test/tiny/stories260K.gguf', sha256: TEST_SHA.toUpperCase() });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ state: 'queued', file_name: 'stories260K.gguf', already_running: false });
    expect(accepted.body.status_url).toBe(`/admin/models/pull/${accepted.body.job_id}`);

    const events = await follow(accepted.body.job_id);
    const last = events[events.length - 1];
    expect(last.event).toBe('done');
    expect(last.data).toMatchObject({
      state: 'done',
      bytes: TEST_MODEL.length,
      total: TEST_MODEL.length,
      sha256: TEST_SHA,
      verified: true,
    });
    expect(events.slice(0, -1).every((e) => e.event === 'progress')).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i].data.bytes).toBeGreaterThanOrEqual(events[i - 1].data.bytes);
    expect(events.every((e) => typeof e.data.rate === 'number' && 'eta_ms' in e.data)).toBe(true);
    // It came from MODEL_HF_ENDPOINT's resolve/main URL, as node-llama-cpp resolves hf: URIs.
    expect(hf.requests.some((r) => r.path === '/nitro-test/tiny/resolve/main/stories260K.gguf')).toBe(true);
    expect(ggufs()).toEqual(['stories260K.gguf']);

    // A late follower gets the end at once; without Accept: text/event-stream the status is JSON.
    expect((await follow(accepted.body.job_id)).map((e) => e.event)).toEqual(['done']);
    const json = await (await asAdmin(`/admin/models/pull/${accepted.body.job_id}`)).json();
    expect(json).toMatchObject({ job_id: accepted.body.job_id, state: 'done', sha256: TEST_SHA });

    // Served without restarting ai-router.
    const models = await (await p.request('/models')).json();
    expect(models.models).toEqual([expect.objectContaining({ id: 'local/stories260K', available: true })]);
    const v1 = await (await p.request('/v1/models')).json();
    expect(v1.data.map((m: { id: string }) => m.id)).toEqual(['local/stories260K']);
    const chat = await p.request('/chat', {
      method: 'POST',
      json: { message: 'Once upon a time', user_id: p.userId, options: { model: 'local/stories260K', temperature: 0, max_tokens: 12 } },
    });
    expect(chat.status).toBe(200);
    expect(await chat.json()).toMatchObject({ ai_source: 'local', ai_model: 'stories260K', response: expect.any(String) });

    const list = await (await asAdmin('/admin/models')).json();
    expect(list.models).toEqual([
      expect.objectContaining({
        name: 'stories260K.gguf',
        model_id: 'local/stories260K',
        size_bytes: TEST_MODEL.length,
        sha256: TEST_SHA,
        loaded: true,
        busy: false,
        default: true,
        source: 'MODELS_DIR',
      }),
    ]);

    const del = await asAdmin('/admin/models/stories260K.gguf', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ deleted: 'stories260K.gguf', unloaded: true });
    expect(ggufs()).toEqual([]);
    const after = await (await p.request('/models')).json();
    expect(after.models.filter((m: { available: boolean }) => m.available)).toEqual([]);
    expect((await asAdmin('/admin/models/stories260K', { method: 'DELETE' })).status).toBe(404);
  });

  it('a pull of an installed file name: 409 MODEL_EXISTS unless replace; a failed replace leaves the file untouched; a replace unloads the old one', async () => {
    copyFileSync(MODEL_PATH, join(dir, 'stories260K.gguf'));
    expect((await p.request('/models?refresh=true')).status).toBe(200); // an operator's copy counts once the registry looks again
    const installed = () => sha256(readFileSync(join(dir, 'stories260K.gguf')));
    const chat = () =>
      p.request('/chat', {
        method: 'POST',
        json: { message: 'Once', user_id: p.userId, options: { model: 'local/stories260K', temperature: 0, max_tokens: 4 } },
      });
    expect((await chat()).status).toBe(200); // loaded now

    // Without replace, with or without a digest: refused before anything is fetched (no `done` for bytes never downloaded).
    const before = server.requests.length;
    for (const body of [{ model: server.url('/v2/stories260K.gguf') }, { model: server.url('/m/stories260K.gguf'), sha256: TEST_SHA }]) {
      const r = await pull(body);
      expect([r.status, r.body.error]).toEqual([409, 'MODEL_EXISTS']);
      expect(r.body.message).toMatch(/stories260K\.gguf is already installed.*"replace": true/);
    }
    expect(server.requests.length).toBe(before);

    // A replace that fails (digest, not GGUF, 404) keeps the installed file as it was, and it still answers.
    for (const [body, failure] of [
      [{ model: server.url('/v2/stories260K.gguf'), sha256: 'a'.repeat(64) }, 'digest_mismatch'],
      [{ model: server.url('/login/stories260K.gguf') }, 'not_gguf'],
      [{ model: server.url('/gone/stories260K.gguf') }, 'not_found'],
    ] as const) {
      const r = await pull({ ...body, replace: true });
      expect(r.status).toBe(202);
      const events = await follow(r.body.job_id);
      expect(events[events.length - 1]).toMatchObject({ event: 'failed', data: { failure } });
      expect([failure, installed()]).toEqual([failure, TEST_SHA]);
    }
    expect(incoming()).toEqual([]);
    expect((await chat()).status).toBe(200);

    // A replace that verifies: the old engine is unloaded and the new file is in place.
    const r = await pull({ model: server.url('/v2/stories260K.gguf'), sha256: sha256(V2), replace: true });
    const events = await follow(r.body.job_id);
    expect(events[events.length - 1]).toMatchObject({ event: 'done', data: { sha256: sha256(V2), verified: true } });
    expect(installed()).toBe(sha256(V2));
    const list = await (await asAdmin('/admin/models')).json();
    expect(list.models).toEqual([expect.objectContaining({ name: 'stories260K.gguf', sha256: sha256(V2), loaded: false })]);
    expect((await asAdmin('/admin/models/stories260K.gguf', { method: 'DELETE' })).status).toBe(200);
  });

  it.each([
    ['a file that is not GGUF', { model: '/m/page.gguf' }, 'not_gguf', /is not a GGUF file/],
    ['a file over MODEL_PULL_MAX_BYTES (declared size)', { model: '/m/huge.gguf' }, 'too_large', /over the limit of 16777216/],
    [
      'a sha256 that does not match',
      { model: '/m/stories260K.gguf', sha256: 'a'.repeat(64) },
      'digest_mismatch',
      /expected a{64}: removed/,
    ],
    ['a URL that does not exist', { model: '/m/missing.gguf' }, 'not_found', /does not exist \(HTTP 404\)/],
  ])('refuses %s: the pull ends failed with the reason, and nothing is left', async (_name, req, failure, reason) => {
    const accepted = await pull({ ...req, model: server.url(req.model) });
    expect(accepted.status).toBe(202);
    const events = await follow(accepted.body.job_id);
    expect(events[events.length - 1]).toMatchObject({
      event: 'failed',
      data: { state: 'failed', failure, reason: expect.stringMatching(reason) },
    });
    expect(ggufs()).toEqual([]);
    expect(incoming().filter((f) => !f.startsWith('big.gguf'))).toEqual([]);
  });

  it('refuses to fetch from link-local / cloud metadata addresses (169.254.169.254): the pull ends failed, nothing fetched', async () => {
    const accepted = await pull({ model: 'http://169.254.169.254/latest/meta-data.gguf' });
    expect(accepted.status).toBe(202);
    const events = await follow(accepted.body.job_id);
    expect(events[events.length - 1]).toMatchObject({
      event: 'failed',
      data: { failure: 'blocked_address', reason: expect.stringMatching(/169\.254\.169\.254 is 169\.254\.169\.254, a link-local address/) },
    });
  });

  it('a restart of ai-router mid-pull resumes the partial file (Range past the first chunk) and finishes', async () => {
    const transfer = (r: SeenRequest) => r.path === '/m/big.gguf' && r.method === 'GET' && r.range !== undefined && r.range !== 'bytes=0-0';
    // The first 5 MB chunk arrives whole; every later chunk stalls after 1 MB (until the restart).
    server.setFault((_n, r) => (transfer(r) && r.rangeStart > 0 ? { hangAfter: MiB } : undefined));
    const accepted = await pull({ model: server.url('/m/big.gguf'), sha256: sha256(BIG) });
    const jobId = accepted.body.job_id;
    await waitFor(
      async () => {
        const s = await (await asAdmin(`/admin/models/pull/${jobId}`)).json();
        return s.state === 'downloading' && s.bytes >= 5 * MiB;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const listed = await (await asAdmin('/admin/models')).json();
    expect(listed.pulls).toEqual([expect.objectContaining({ job_id: jobId, state: 'downloading', total: BIG.length })]);
    // A second pull of the same source (URL and digest) is that job, not a second download.
    expect((await pull({ model: server.url('/m/big.gguf'), sha256: sha256(BIG).toUpperCase() })).body).toMatchObject({
      job_id: jobId,
      already_running: true,
    });
    // Another source for the same file name while it runs (no digest, another host name, another hf revision) is refused.
    for (const model of [server.url('/m/big.gguf'), 'hf:nitro-test/tiny/big.gguf#v2']) {
      const other = await pull({ model, sha256: model.startsWith('hf:') ? sha256(BIG) : undefined });
      expect([other.status, other.body.error, other.body.details?.job_id]).toEqual([409, 'MODEL_EXISTS', jobId]);
    }

    await p.procs.get('ai-router')!.stop();
    server.setFault(undefined);
    const before = server.requests.length;
    await p.startApp('ai-router');
    const events = await follow(jobId);
    expect(events[events.length - 1]).toMatchObject({ event: 'done', data: { sha256: sha256(BIG), verified: true } });
    const resumed = server.requests.slice(before).filter(transfer);
    expect(resumed.length).toBeGreaterThan(0);
    expect(Math.min(...resumed.map((r) => r.rangeStart))).toBeGreaterThanOrEqual(5 * MiB);
    expect(sha256(readFileSync(join(dir, 'big.gguf')))).toBe(sha256(BIG));
    expect((await asAdmin('/admin/models/big.gguf', { method: 'DELETE' })).status).toBe(200);
  });

  it('PWA: with no chat model the chat tab says so; a user is told to ask the admin, the admin downloads with a progress bar', async () => {
    expect(ggufs()).toEqual([]);
    let b: TestBrowser | undefined;
    try {
      b = await launchBrowser();
      const page = b.page;
      const signIn = async (id: string, password: string) => {
        await page.goto(`${p.baseUrl}/`);
        await page.evaluate(() => localStorage.clear());
        await page.goto(`${p.baseUrl}/`);
        await page.waitForSelector('#auth-username', { timeout: 60_000 });
        await page.fill('#auth-username', id);
        await page.fill('#auth-password', password);
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
        await page.getByRole('heading', { name: 'No chat model is available' }).waitFor();
      };
      await signIn(p.user!.id, p.user!.password);
      expect(await page.textContent('.model-notice')).toMatch(/Ask your administrator to install a chat model/);
      expect(await page.getByRole('button', { name: /^Download/ }).count()).toBe(0);
      expect(await axeAudit(page)).toEqual([]);

      await signIn(p.admin!.id, p.admin!.password);
      const download = page.getByRole('button', { name: 'Download stories260K.gguf (from NITRO_DEFAULT_MODEL_URL)' });
      await download.waitFor();
      expect(await axeAudit(page)).toEqual([]);
      await download.click();
      await page.getByRole('progressbar', { name: 'Download of stories260K.gguf' }).waitFor();
      await page.getByText('stories260K.gguf is ready: you can chat now.').first().waitFor({ timeout: 30_000 });
      // The picker reloads GET /models: the pulled model can be chosen, and the notice goes.
      await page.waitForSelector('.model-select option[value="local/stories260K"]:not([disabled])', { state: 'attached' });
      await page.waitForSelector('.model-notice', { state: 'detached' });
      // The signed-out user's last requests may answer 401; nothing else may go wrong in the page.
      expect(b.problems.filter((m) => !/status of 401/.test(m))).toEqual([]);
    } finally {
      await b?.close();
    }
    expect(ggufs()).toEqual(['stories260K.gguf']);
    expect((await asAdmin('/admin/models/stories260K.gguf', { method: 'DELETE' })).status).toBe(200);
  });
});
