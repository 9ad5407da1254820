import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { pngWithExif } from '../../apps/agents/test/fixtures/file-fixtures';
import { Platform, readSse, startPlatform } from '../support/platform';

jest.setTimeout(120_000);

interface OllamaChatBody {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string; images?: string[] }[];
}

/**
 * A vision model's Ollama stand-in in its documented format: POST /api/show lists `capabilities:
 * ["completion","vision"]`, /api/chat answers JSON (or NDJSON when "stream" is true) and records every body,
 * so the test reads the exact `images` ai-router sent.
 */
function visionOllama(): Promise<{ server: Server; url: string; requests: OllamaChatBody[] }> {
  const requests: OllamaChatBody[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.url === '/api/show')
        return void res
          .writeHead(200)
          .end(JSON.stringify({ parameters: 'num_ctx 8192', model_info: {}, capabilities: ['completion', 'vision'] }));
      if (req.url === '/api/tags') return void res.writeHead(200).end(JSON.stringify({ models: [{ name: 'llava', model: 'llava' }] }));
      if (req.url !== '/api/chat') return void res.writeHead(404).end('{"error":"not found"}');
      const body = JSON.parse(raw) as OllamaChatBody;
      requests.push(body);
      const final = { model: body.model, created_at: new Date().toISOString(), done: true, done_reason: 'stop', eval_count: 2 };
      if (body.stream === false)
        return void res.writeHead(200).end(JSON.stringify({ ...final, message: { role: 'assistant', content: 'A blue box.' } }));
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ model: body.model, message: { role: 'assistant', content: 'A blue' }, done: false }) + '\n');
      res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: ' box.' } }) + '\n');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

const attach = (p: Platform, bytes: Buffer, filename: string) => {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  return fetch(`${p.baseUrl}/chat/attachments`, { method: 'POST', body: form, headers: p.headers });
};

/**
 * Images in chat end to end (issue 18): gateway + ai-router as processes on a real Redis. With a vision model
 * (the Ollama stand-in above) a real PNG reaches it byte for byte in the last message's `images`, from POST /chat,
 * /chat/stream and /v1/chat/completions; with only the local test model (no vision) the answer is 400.
 */
describe('chat images with a vision model (gateway + ai-router + Ollama stand-in)', () => {
  let p: Platform;
  let ollama: Awaited<ReturnType<typeof visionOllama>>;
  let png: Buffer;

  beforeAll(async () => {
    ollama = await visionOllama();
    png = await pngWithExif();
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: { 'ai-router': { AI_PROVIDERS: 'ollama,local', OLLAMA_HOST: ollama.url, OLLAMA_MODEL: 'llava' } },
    });
  });
  afterAll(async () => {
    await p?.stop();
    ollama?.server.close();
  });
  const last = () => ollama.requests[ollama.requests.length - 1].messages;

  it('uploads a PNG (201 kind image) and POST /chat sends its exact base64 in messages[-1].images; history keeps the name only', async () => {
    const up = await attach(p, png, 'photo.png');
    const att = await up.json();
    expect([up.status, att]).toEqual([
      201,
      {
        attachment_id: expect.stringMatching(/^[\w-]{22}$/),
        name: 'photo.png',
        kind: 'image',
        mime: 'image/png',
        bytes: png.length,
        chars: 0,
        truncated: false,
      },
    ]);
    const res = await p.request('/chat', {
      method: 'POST',
      json: { message: 'What is in the picture?', session_id: 'img-1', attachments: [att.attachment_id] },
    });
    const body = await res.json();
    expect([res.status, body.ai_source, body.response]).toEqual([200, 'ollama', 'A blue box.']);
    expect(last()[last().length - 1]).toEqual({ role: 'user', content: 'What is in the picture?', images: [png.toString('base64')] });
    const hist = await (await p.request(`/chat/history/${p.userId}?session_id=img-1`)).json();
    expect(hist.messages[0].attachments).toEqual([{ name: 'photo.png', kind: 'image', chars: 0, text: '' }]);
    // The next turn does not send the image again; the model is told it was shown.
    await p.request('/chat', { method: 'POST', json: { message: 'And its colour?', session_id: 'img-1' } });
    expect(last().some((m) => m.images)).toBe(false);
    expect(last()[0].content).toBe('[Image shown earlier, not repeated here: photo.png]\n\nWhat is in the picture?');
  });

  it('the streaming route sends the image the same way', async () => {
    const att = await (await attach(p, png, 'again.png')).json();
    const res = await p.request('/chat/stream', { method: 'POST', json: { message: 'Describe it', attachments: [att.attachment_id] } });
    const events = await readSse(res);
    expect(events[events.length - 1].event).toBe('done');
    expect(last()[last().length - 1].images).toEqual([png.toString('base64')]);
  });

  it('/v1/chat/completions: an image_url data-URL part reaches Ollama the same way; an http URL is a 400 naming the param', async () => {
    const key = await (await p.request('/auth/api-keys', { method: 'POST', json: { name: 'images' } })).json();
    const client = new OpenAI({ apiKey: key.key, baseURL: `${p.baseUrl}/v1`, maxRetries: 0, timeout: 60_000 });
    const content = (url: string) => [
      { type: 'text' as const, text: 'What is this?' },
      { type: 'image_url' as const, image_url: { url } },
    ];
    const done = await client.chat.completions.create({
      model: 'ollama/llava',
      messages: [{ role: 'user', content: content(`data:image/png;base64,${png.toString('base64')}`) }],
    });
    expect(done.choices[0].message.content).toBe('A blue box.');
    expect(last()).toEqual([{ role: 'user', content: 'What is this?', images: [png.toString('base64')] }]);
    const before = ollama.requests.length;
    const remote = await client.chat.completions
      .create({ model: 'default', messages: [{ role: 'user', content: content('https://example.com/cat.png') }] })
      .catch((e: unknown) => e);
    expect(remote).toBeInstanceOf(OpenAI.BadRequestError);
    const err = remote as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err.param).toBe('messages[0].content[1].image_url.url');
    expect(err.message).toMatch(/remote image URLs are not fetched.*SSRF/);
    expect(ollama.requests.length).toBe(before);
  });
});

describe('chat images with only the local test model (no vision)', () => {
  let p: Platform;
  beforeAll(async () => {
    p = await startPlatform({ services: ['ai-router'], appEnv: { 'ai-router': { AI_PROVIDERS: 'local' } } });
  });
  afterAll(() => p?.stop());

  it('the upload is taken, the send is a 400 IMAGES_NOT_SUPPORTED in words for a person (whole and streamed)', async () => {
    const att = await (await attach(p, await pngWithExif(), 'photo.png')).json();
    expect(att.kind).toBe('image');
    const res = await p.request('/chat', { method: 'POST', json: { message: 'What is this?', attachments: [att.attachment_id] } });
    const body = await res.json();
    expect([res.status, body.error, body.message]).toEqual([
      400,
      'IMAGES_NOT_SUPPORTED',
      "None of this server's chat models can read images. Describe it in words, or attach text or a PDF.",
    ]);
    const streamed = await p.request('/chat/stream', { method: 'POST', json: { message: 'And now?', attachments: [att.attachment_id] } });
    const events = await readSse(streamed);
    const last = events[events.length - 1];
    expect(last.event).toBe('error');
    expect(last.data).toMatchObject({ status: 400, code: 'IMAGES_NOT_SUPPORTED' });
  });

  it('a BMP stays 415, naming the type', async () => {
    const bmp = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60, 0)]);
    const res = await attach(p, bmp, 'x.bmp');
    expect([res.status, (await res.json()).message]).toEqual([415, expect.stringMatching(/image\/bmp/)]);
  });
});
