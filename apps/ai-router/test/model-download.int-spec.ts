import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AiRouterEnv, loadConfig } from '@nitro/config';
import { freePort } from '@nitro/testing';
import { RangeFileServer, SeenRequest, startRangeFileServer } from './support/range-file-server';
import { blockedAddressReason } from '../src/models/provisioning/address-guard';
import { DEFAULT_CHAT_MODEL } from '../src/models/provisioning/default-model';
import {
  DownloadProgress,
  fetchVerifiedModel,
  FetchModelOptions,
  INCOMING_DIR,
  ModelDownloadError,
} from '../src/models/provisioning/model-fetcher';
import { provisionDefaultModel } from '../src/models/provisioning/provision';
import { MODEL_PATH } from './support/chat-stack';

/**
 * The model downloader (node-llama-cpp's createModelDownloader, i.e. ipull) against a local HTTP
 * server with Range support: the stand-in for Hugging Face, with the faults of a real network.
 */
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const TEST_MODEL = readFileSync(MODEL_PATH);
const TEST_SHA = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';
// Larger than ipull's 5 MB chunk, so a resume can start past the beginning.
const BIG = Buffer.concat([Buffer.from('GGUF'), randomBytes(12 * 1024 * 1024 - 4)]);
const BIG_SHA = sha256(BIG);

describe('model download (node-llama-cpp downloader, local Range server)', () => {
  let server: RangeFileServer;
  let dir: string;

  beforeAll(async () => {
    server = await startRangeFileServer({
      '/m/stories260K.gguf': TEST_MODEL,
      '/m/big.gguf': BIG,
      '/m/not-a-model.gguf': Buffer.from('<html>sign in</html>'.repeat(100)),
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-models-'));
    server.requests.length = 0;
    server.setFault(undefined);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const fetchModel = (over: Partial<FetchModelOptions>) => {
    const progress: DownloadProgress[] = [];
    const run = fetchVerifiedModel({
      url: server.url('/m/stories260K.gguf'),
      sha256: TEST_SHA,
      modelsDir: dir,
      answerTimeoutMs: 5_000,
      stallTimeoutMs: 10_000,
      onProgress: (p) => progress.push(p),
      ...over,
    });
    return { run, progress };
  };
  const expectMonotonicToTotal = (progress: DownloadProgress[], total: number) => {
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i].downloadedBytes).toBeGreaterThanOrEqual(progress[i - 1].downloadedBytes);
    expect(progress.every((p) => p.downloadedBytes <= total)).toBe(true);
    expect(progress[progress.length - 1]).toMatchObject({ downloadedBytes: total, totalBytes: total });
  };
  const incoming = () => (existsSync(join(dir, INCOMING_DIR)) ? readdirSync(join(dir, INCOMING_DIR)) : []);

  it('downloads the test model, verifies its sha256, moves it into the models folder; progress rises to the total', async () => {
    let started: { fileName: string; totalBytes: number } | undefined;
    const { run, progress } = fetchModel({ onStart: (s) => (started = s) });
    const got = await run;
    expect(got).toEqual({ path: join(dir, 'stories260K.gguf'), sizeBytes: TEST_MODEL.length, sha256: TEST_SHA, alreadyPresent: false });
    expect(sha256(readFileSync(got.path))).toBe(TEST_SHA);
    expect(started).toEqual({ fileName: 'stories260K.gguf', totalBytes: TEST_MODEL.length, rangeSupport: true });
    expectMonotonicToTotal(progress, TEST_MODEL.length);
    expect(incoming()).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.gguf'))).toEqual(['stories260K.gguf']);
  });

  it('a verified file already there is kept and nothing is downloaded; a corrupted one is replaced', async () => {
    await fetchModel({}).run;
    server.requests.length = 0;
    expect(await fetchModel({}).run).toMatchObject({ alreadyPresent: true, sha256: TEST_SHA });
    expect(server.requests).toEqual([]);
    writeFileSync(join(dir, 'stories260K.gguf'), 'GGUF-truncated');
    const notices: string[] = [];
    expect(await fetchModel({ onNotice: (m) => notices.push(m) }).run).toMatchObject({ alreadyPresent: false, sha256: TEST_SHA });
    expect(notices.join()).toMatch(/has sha256 \w{64}, not 270cba1b\w+: replacing it/);
  });

  it('a file already there stays untouched until the new one verified: a failed fetch (digest, 404, not GGUF) leaves it; without a digest it is refused', async () => {
    const path = join(dir, 'stories260K.gguf');
    writeFileSync(path, 'GGUF-an older revision');
    for (const [over, code] of [
      [{ sha256: 'a'.repeat(64) }, 'digest_mismatch'],
      [{ url: server.url('/gone/stories260K.gguf') }, 'not_found'],
      [{ url: server.url('/m/not-a-model.gguf'), fileName: 'stories260K.gguf' }, 'not_gguf'],
    ] as const) {
      await expect(fetchModel(over).run).rejects.toMatchObject({ code });
      expect([code, readFileSync(path, 'utf8')]).toEqual([code, 'GGUF-an older revision']);
    }
    // Unverified (the admin's pull without sha256): a taken name is refused before any byte is fetched, unless replacing.
    server.requests.length = 0;
    await expect(fetchModel({ sha256: null, allowUnverified: true }).run).rejects.toMatchObject({ code: 'exists' });
    expect(server.requests).toEqual([]);
    const replaced: string[] = [];
    const got = await fetchModel({
      sha256: null,
      allowUnverified: true,
      replaceExisting: true,
      beforeReplace: async (p) => void replaced.push(p),
    }).run;
    expect(got).toMatchObject({ alreadyPresent: false, sha256: TEST_SHA });
    expect(replaced).toEqual([path]);
    expect(incoming()).toEqual([]);
  });

  it('refuseLinkLocal: link-local / metadata hosts are refused, also behind a redirect; a loopback redirect is followed', async () => {
    const redirects = createServer((req, res) => {
      const to = req.url === '/to-metadata.gguf' ? 'http://169.254.169.254/latest/x.gguf' : server.url('/m/stories260K.gguf');
      res.writeHead(302, { location: to }).end();
    });
    await new Promise<void>((r) => redirects.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(redirects.address() as AddressInfo).port}`;
    try {
      for (const url of ['http://169.254.169.254/latest/x.gguf', 'http://[fe80::1]/x.gguf', `${base}/to-metadata.gguf`]) {
        const err = await fetchModel({ url, fileName: 'x.gguf', refuseLinkLocal: true }).run.catch((e) => e);
        expect([url, err.code, err.message]).toEqual([
          url,
          'blocked_address',
          expect.stringMatching(/link-local.*model pulls do not fetch from there/),
        ]);
      }
      const got = await fetchModel({ url: `${base}/mirror.gguf`, fileName: 'stories260K.gguf', refuseLinkLocal: true }).run;
      expect(got).toMatchObject({ sha256: TEST_SHA, alreadyPresent: false });
      expect(blockedAddressReason('::ffff:169.254.169.254')).toMatch(/link-local/);
      expect(blockedAddressReason('fd00:ec2::254')).toMatch(/metadata/);
      expect(['127.0.0.1', '::1', '10.0.0.5', '192.168.1.2', 'fd12::1'].map(blockedAddressReason)).toEqual([null, null, null, null, null]);
    } finally {
      redirects.close();
    }
  });

  // ipull's requests: our one-byte probe, its own info GET (headers only), then ranged GETs per 5 MB chunk on up to 3 connections.
  const transfer = (r: SeenRequest) => r.method === 'GET' && r.range !== undefined && r.range !== 'bytes=0-0';
  const transferBytes = () => server.requests.filter(transfer).reduce((n, r) => n + r.bytesSent, 0);

  it('resumes after the server drops the connection mid-file (Range from where it was), and the file verifies', async () => {
    // The first two transfer responses are cut after 3 MB and 1 MB.
    let cuts = 0;
    server.setFault((_n, r) => (transfer(r) && cuts < 2 ? { cutAfter: ++cuts === 1 ? 3 * 1024 * 1024 : 1024 * 1024 } : undefined));
    const { run, progress } = fetchModel({ url: server.url('/m/big.gguf'), sha256: BIG_SHA });
    const got = await run;
    expect(sha256(readFileSync(got.path))).toBe(BIG_SHA);
    const ranged = server.requests.filter(transfer);
    expect(ranged.filter((r) => r.cut).length).toBe(2);
    // Retried by Range from the start of the 5 MB chunk that was cut (ipull resumes per chunk), never the whole file again.
    const CHUNK = 5 * 1024 * 1024;
    expect(ranged.every((r) => r.rangeStart % CHUNK === 0 && r.range !== `bytes=0-${BIG.length - 1}`)).toBe(true);
    expect(ranged.filter((r) => !r.cut).length).toBeGreaterThanOrEqual(2);
    expect(transferBytes()).toBeLessThan(2 * BIG.length);
    expectMonotonicToTotal(progress, BIG.length);
  });

  it('a stalled transfer stops after the stall timeout, keeps the partial file, and the next run resumes it', async () => {
    // First run: the first chunk (from byte 0) arrives whole, every other transfer stalls after 1 MB.
    server.setFault((_n, r) => (transfer(r) && r.rangeStart > 0 ? { hangAfter: 1024 * 1024 } : undefined));
    const first = fetchModel({ url: server.url('/m/big.gguf'), sha256: BIG_SHA, stallTimeoutMs: 1_500 }).run;
    await expect(first).rejects.toMatchObject({
      code: 'stalled',
      message: expect.stringMatching(/^no data from 127\.0\.0\.1:\d+ for 1\.5 s; the partial file is kept/),
    });
    expect(incoming().some((f) => f.endsWith('.ipull'))).toBe(true);
    expect(existsSync(join(dir, 'big.gguf'))).toBe(false);

    server.setFault(undefined);
    server.requests.length = 0;
    const notices: string[] = [];
    const { run, progress } = fetchModel({ url: server.url('/m/big.gguf'), sha256: BIG_SHA, onNotice: (m) => notices.push(m) });
    const got = await run;
    expect(notices.join()).toMatch(/resuming the partial download/);
    expect(sha256(readFileSync(got.path))).toBe(BIG_SHA);
    // The first 5 MB chunk arrived in the first run: the second run starts past it.
    expect(Math.min(...server.requests.filter(transfer).map((r) => r.rangeStart))).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(transferBytes()).toBeLessThanOrEqual(BIG.length - 5 * 1024 * 1024);
    expectMonotonicToTotal(progress, BIG.length);
  });

  it('refuses a file whose sha256 differs, and removes it (nothing left in models or .incoming)', async () => {
    const wrong = 'a'.repeat(64);
    const err: ModelDownloadError = await fetchModel({ sha256: wrong }).run.catch((e) => e);
    expect(err).toBeInstanceOf(ModelDownloadError);
    expect(err.code).toBe('digest_mismatch');
    expect(err.message).toBe(
      `stories260K.gguf from ${server.url('/m/stories260K.gguf')} has sha256 ${TEST_SHA}, expected ${wrong}: removed, not used`,
    );
    expect(readdirSync(dir).filter((f) => f.endsWith('.gguf'))).toEqual([]);
    expect(incoming()).toEqual([]);
  });

  it('refuses a file that is not GGUF (an HTML page at the URL), and removes it', async () => {
    const body = Buffer.from('<html>sign in</html>'.repeat(100));
    await expect(fetchModel({ url: server.url('/m/not-a-model.gguf'), sha256: sha256(body) }).run).rejects.toMatchObject({
      code: 'not_gguf',
    });
    expect(incoming()).toEqual([]);
  });

  it('without a digest it downloads nothing', async () => {
    await expect(fetchModel({ sha256: null }).run).rejects.toMatchObject({
      code: 'no_digest',
      message: expect.stringMatching(/set NITRO_DEFAULT_MODEL_SHA256/),
    });
    await expect(fetchModel({ sha256: 'not-hex' }).run).rejects.toMatchObject({ code: 'no_digest' });
    expect(server.requests).toEqual([]);
  });

  it('reports a 404 clearly', async () => {
    const url = server.url('/m/missing.gguf');
    await expect(fetchModel({ url }).run).rejects.toMatchObject({ code: 'not_found', message: `${url} does not exist (HTTP 404)` });
    expect(incoming()).toEqual([]);
  });

  it('reports a host that does not answer as a timeout, within the answer timeout', async () => {
    // Connections are accepted, nothing is ever answered (a black-holed host, a captive network).
    server.setFault(() => ({ silent: true }));
    const t0 = Date.now();
    await expect(fetchModel({ answerTimeoutMs: 800 }).run).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringMatching(/^no answer from 127\.0\.0\.1:\d+ within 0\.8 s$/),
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('reports an unreachable host (offline) without waiting for retries', async () => {
    const port = await freePort();
    const t0 = Date.now();
    await expect(fetchModel({ url: `http://127.0.0.1:${port}/m/x.gguf` }).run).rejects.toMatchObject({
      code: 'unreachable',
      message: expect.stringMatching(/^cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/),
    });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});

describe('provisionDefaultModel (what start.sh, compose models-init and the Kubernetes init container run)', () => {
  let server: RangeFileServer;
  let dir: string;
  let lines: string[];
  beforeAll(async () => {
    server = await startRangeFileServer({ '/m/stories260K.gguf': TEST_MODEL });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nitro-models-'));
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = async (vars: Record<string, string>) =>
    loadConfig(AiRouterEnv, { OLLAMA_HOST: `http://127.0.0.1:${await freePort()}`, MODEL_DOWNLOAD_ANSWER_TIMEOUT_MS: '2000', ...vars });
  const sink = { isTTY: false, write: () => true } as unknown as NodeJS.WritableStream;

  it('downloads the model NITRO_DEFAULT_MODEL_URL/_SHA256 name, printing name, size, licence, then where it is', async () => {
    const e = await env({ NITRO_DEFAULT_MODEL_URL: server.url('/m/stories260K.gguf'), NITRO_DEFAULT_MODEL_SHA256: TEST_SHA.toUpperCase() });
    const out = await provisionDefaultModel(e, { modelsDir: dir, say: (l) => lines.push(l), progress: sink });
    expect(out).toMatchObject({ status: 'downloaded', path: join(dir, 'stories260K.gguf') });
    const text = lines.join('\n');
    expect(text).toMatch(/downloading stories260K\.gguf \(from NITRO_DEFAULT_MODEL_URL\): stories260K\.gguf, 1\.2 MB/);
    expect(text).toMatch(/licence as published with the file/);
    expect(text).toMatch(new RegExp(`ready: .*stories260K\\.gguf \\(1\\.2 MB, .*sha256 ${TEST_SHA} verified\\)`));
  });

  it('offline: fails softly, says how to provide a model and which providers are configured', async () => {
    const e = await env({
      NITRO_DEFAULT_MODEL_URL: `http://127.0.0.1:${await freePort()}/m/stories260K.gguf`,
      NITRO_DEFAULT_MODEL_SHA256: TEST_SHA,
      AI_PROVIDERS: 'ollama,local,gemini',
    });
    const out = await provisionDefaultModel(e, { modelsDir: dir, say: (l) => lines.push(l), progress: sink });
    expect(out.status).toBe('failed');
    const text = lines.join('\n');
    expect(text).toMatch(/could not provide .*cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(text).toMatch(new RegExp(`copy a \\.gguf chat model into ${dir}/`));
    expect(text).toMatch(/NITRO_DEFAULT_MODEL_URL at a mirror/);
    expect(text).toMatch(/- ollama: no answer at OLLAMA_HOST=http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/- local: no model: LOCAL_MODEL_PATH is unset/);
    expect(text).toMatch(/- gemini: not configured \(no GEMINI_API_KEY\)/);
  });

  it('NITRO_DOWNLOAD_MODEL=0 downloads nothing and says the same; --if-missing-any keeps a model that is there', async () => {
    const off = await provisionDefaultModel(
      await env({ NITRO_DOWNLOAD_MODEL: '0', NITRO_DEFAULT_MODEL_URL: server.url('/m/stories260K.gguf') }),
      { modelsDir: dir, say: (l) => lines.push(l), progress: sink },
    );
    expect(off.status).toBe('skipped');
    expect(lines.join('\n')).toMatch(/download is off \(NITRO_DOWNLOAD_MODEL=0\)[\s\S]*chat providers/);
    writeFileSync(join(dir, 'mine.gguf'), 'GGUF');
    server.requests.length = 0;
    const own = await provisionDefaultModel(
      await env({ NITRO_DEFAULT_MODEL_URL: server.url('/m/stories260K.gguf'), NITRO_DEFAULT_MODEL_SHA256: TEST_SHA }),
      { modelsDir: dir, ifMissingAny: true, say: (l) => lines.push(l), progress: sink },
    );
    expect(own).toEqual({ status: 'present', path: join(dir, 'mine.gguf') });
    expect(server.requests).toEqual([]);
  });

  it('the pinned default is an Apache-2.0/MIT GGUF chat model of at most 500 MB at an exact https URL', () => {
    expect(DEFAULT_CHAT_MODEL.url).toMatch(
      /^https:\/\/huggingface\.co\/Qwen\/Qwen2\.5-0\.5B-Instruct-GGUF\/resolve\/\w+\/qwen2\.5-0\.5b-instruct-q4_k_m\.gguf$/,
    );
    expect(['Apache-2.0', 'MIT']).toContain(DEFAULT_CHAT_MODEL.licence);
    expect(DEFAULT_CHAT_MODEL.approxBytes).toBeLessThanOrEqual(500_000_000);
    // Either pinned (64 hex digits) or explicitly unpinned, in which case nothing is downloaded (see 'without a digest').
    expect(DEFAULT_CHAT_MODEL.sha256 === null || /^[0-9a-f]{64}$/.test(DEFAULT_CHAT_MODEL.sha256)).toBe(true);
  });
});
