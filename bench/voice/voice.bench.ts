/**
 * Voice benchmark (issue 5). Real engines (flite, pocketsphinx, ffmpeg), the real local model, and
 * every service as its own process behind the gateway:
 *  - real-time factor (audio seconds per wall second) of transcription and synthesis of a ~15 s
 *    clip, one request at a time and 4 at once;
 *  - streaming voice chat: time from the end of the upload to the first spoken sentence;
 *  - peak RSS (VmHWM) of the voice service.
 *
 *   pnpm build && node dist/bench/voice/voice.bench.js [rounds=5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnService, startRedisServer, stopAllProcesses } from '@nitro/testing';
import { percentile, rssMb } from '../support/wrk';

const ROOT = join(__dirname, '..', '..', '..');
const MODEL = process.env.LOCAL_MODEL_PATH || join(ROOT, 'test', 'fixtures', 'models', 'stories260K.gguf');
const rounds = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'voice-bench-'));
const FF = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];

const TEXT_15S =
  'Please open the window before the meeting starts. I would like a cup of coffee with milk. ' +
  'We will meet at the station tomorrow morning. My phone number is easy to remember. ' +
  'The children are playing in the garden. Thank you very much for your help. See you again soon.';
const QUESTION = 'Please tell me a story about the children in the garden.';

/** flite kal16 -> WebM/Opus, as the browser would upload it; returns bytes and the spoken length. */
function clip(text: string, name: string): { bytes: Buffer; seconds: number } {
  const wav = join(dir, `${name}.wav`);
  const webm = join(dir, `${name}.webm`);
  execFileSync('flite', ['-voice', 'kal16', '-t', text, '-o', wav]);
  execFileSync('ffmpeg', [...FF, '-i', wav, '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm', webm]);
  return { bytes: readFileSync(webm), seconds: wavSeconds(readFileSync(wav)) };
}

/** Length of a PCM WAV from its data chunk. */
function wavSeconds(wav: Buffer): number {
  const rate = wav.readUInt32LE(24);
  const idx = wav.indexOf('data', 12);
  return (wav.length - idx - 8) / (rate * 2);
}

function multipart(fields: Record<string, string>, audio: Buffer): { body: Buffer; type: string } {
  const boundary = `----nitro${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="audio"; filename="clip.webm"\r\nContent-Type: audio/webm\r\n\r\n`),
    audio,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

interface Timed {
  status: number;
  body: Buffer;
  /** ms from the last request byte handed to the socket to: first SSE event of each kind, and the end. */
  uploadedAt: number;
  firsts: Record<string, number>;
  end: number;
}

/** One request with raw node:http, so "end of upload" is the moment the body was flushed. */
function timed(url: string, method: string, body: Buffer, headers: Record<string, string>): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let uploadedAt = 0;
    const firsts: Record<string, number> = {};
    const req = request(url, { method, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      let text = '';
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        text += c.toString();
        for (const m of text.matchAll(/event: (\w+)/g)) firsts[m[1]] ??= performance.now() - t0 - uploadedAt;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), uploadedAt, firsts, end: performance.now() - t0 - uploadedAt }),
      );
    });
    req.on('error', reject);
    req.on('finish', () => (uploadedAt = performance.now() - t0));
    req.end(body);
  });
}

async function main() {
  const redis = await startRedisServer();
  const env = {
    REDIS_URL: redis.url,
    LOG_LEVEL: 'warn',
    AUTH_DISABLED: 'true',
    RATE_LIMIT_ENABLED: 'false',
    AI_PROVIDERS: 'local',
    LOCAL_MODEL_PATH: MODEL,
  };
  const start = async (app: string) => {
    const port = await freePort();
    const portEnv: Record<string, string> = app === 'gateway' ? { PORT: String(port), HOST: '127.0.0.1' } : { HTTP_PORT: String(port) };
    const proc = await spawnService({
      name: `bench-${app}`,
      script: join(ROOT, `dist/apps/${app}/src/main.js`),
      env: { ...env, ...portEnv },
      readyUrl: `http://127.0.0.1:${port}/health`,
      timeoutMs: 60_000,
    });
    return { proc, port };
  };
  const [ai, voice] = await Promise.all([start('ai-router'), start('voice')]);
  const gw = await start('gateway');
  const base = `http://127.0.0.1:${gw.port}`;
  const idleRss = rssMb(voice.proc.pid);

  const long = clip(TEXT_15S, 'long');
  const question = clip(QUESTION, 'question');
  const upload = multipart({}, long.bytes);
  const speakBody = (format: string) => Buffer.from(JSON.stringify({ text: TEXT_15S, format }));

  const transcribeOnce = async () => {
    const r = await timed(`${base}/voice/transcribe`, 'POST', upload.body, { 'content-type': upload.type });
    if (r.status !== 200) throw new Error(`transcribe ${r.status}: ${r.body}`);
    return r.end + r.uploadedAt;
  };
  const speakOnce = async (format: string) => {
    const r = await timed(`${base}/voice/speak`, 'POST', speakBody(format), { 'content-type': 'application/json' });
    if (r.status !== 200) throw new Error(`speak ${r.status}: ${r.body}`);
    return r.end + r.uploadedAt;
  };
  const spokenSeconds = wavSeconds(
    (await timed(`${base}/voice/speak`, 'POST', speakBody('wav'), { 'content-type': 'application/json' })).body,
  );

  await transcribeOnce(); // warm-up: first pocketsphinx load, page cache
  const sttSingle: number[] = [];
  for (let i = 0; i < rounds; i++) sttSingle.push(await transcribeOnce());
  const sttBatch: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await Promise.all([1, 2, 3, 4].map(() => transcribeOnce()));
    sttBatch.push(performance.now() - t0);
  }
  const ttsSingle: Record<string, number[]> = { wav: [], mp3: [] };
  for (const f of ['wav', 'mp3']) for (let i = 0; i < rounds; i++) ttsSingle[f].push(await speakOnce(f));
  const ttsBatch: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await Promise.all([1, 2, 3, 4].map(() => speakOnce('wav')));
    ttsBatch.push(performance.now() - t0);
  }

  const chat: { transcript: number; token: number; audio: number; done: number }[] = [];
  for (let i = 0; i <= rounds; i++) {
    const form = multipart({ user_id: 'local', session_id: `bench-${i}`, max_tokens: '96', format: 'mp3' }, question.bytes);
    const r = await timed(`${base}/voice/chat/stream`, 'POST', form.body, { 'content-type': form.type });
    if (r.status !== 200 || !r.firsts.audio) throw new Error(`voice chat ${r.status}: ${r.body.toString().slice(0, 300)}`);
    if (i > 0) chat.push({ transcript: r.firsts.transcript, token: r.firsts.token, audio: r.firsts.audio, done: r.firsts.done }); // round 0: warm-up
  }
  const peakRss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${voice.proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

  const med = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  const f1 = (n: number) => n.toFixed(1);
  const f2 = (n: number) => n.toFixed(2);
  console.log(
    `\nvoice benchmark: ${rounds} rounds each, medians; clip ${f1(long.seconds)} s (flite kal16 -> WebM/Opus), synthesis ${f1(spokenSeconds)} s of speech\n`,
  );
  console.log('| measurement | wall s (median) | real-time factor (audio s / wall s) |');
  console.log('|---|---|---|');
  console.log(`| transcribe 1 request (pocketsphinx) | ${f2(med(sttSingle) / 1000)} | ${f1(long.seconds / (med(sttSingle) / 1000))} |`);
  console.log(
    `| transcribe 4 at once (whole batch) | ${f2(med(sttBatch) / 1000)} | ${f1((4 * long.seconds) / (med(sttBatch) / 1000))} total, ${f1(long.seconds / (med(sttBatch) / 1000))} per request |`,
  );
  console.log(`| speak 1 request, wav (flite) | ${f2(med(ttsSingle.wav) / 1000)} | ${f1(spokenSeconds / (med(ttsSingle.wav) / 1000))} |`);
  console.log(
    `| speak 1 request, mp3 (flite + ffmpeg) | ${f2(med(ttsSingle.mp3) / 1000)} | ${f1(spokenSeconds / (med(ttsSingle.mp3) / 1000))} |`,
  );
  console.log(
    `| speak 4 at once, wav (whole batch) | ${f2(med(ttsBatch) / 1000)} | ${f1((4 * spokenSeconds) / (med(ttsBatch) / 1000))} total, ${f1(spokenSeconds / (med(ttsBatch) / 1000))} per request |`,
  );
  const col = (k: keyof (typeof chat)[number]) => chat.map((c) => c[k]).sort((a, b) => a - b);
  console.log(
    `\nstreaming voice chat (${f1(question.seconds)} s question, local model stories260K, max_tokens 96), ms after the upload ended:\n`,
  );
  console.log('| event | p50 ms | max ms |');
  console.log('|---|---|---|');
  for (const k of ['transcript', 'token', 'audio', 'done'] as const)
    console.log(`| first \`${k}\` | ${f1(percentile(col(k), 50))} | ${f1(Math.max(...col(k)))} |`);
  console.log(`\nvoice service RSS: idle ${f1(idleRss)} MB, peak (VmHWM) ${f1(peakRss)} MB; ai-router RSS ${f1(rssMb(ai.proc.pid))} MB`);

  await gw.proc.stop();
  await Promise.all([voice.proc.stop(), ai.proc.stop()]);
  await redis.stop();
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAllProcesses());
