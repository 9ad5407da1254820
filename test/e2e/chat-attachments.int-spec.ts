import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPdf, pngWithExif } from '../../apps/agents/test/fixtures/file-fixtures';
import { Platform, readSse, startPlatform } from '../support/platform';

jest.setTimeout(120_000);

interface OllamaChatBody {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string }[];
}

/**
 * An Ollama stand-in speaking its documented /api/chat format (JSON, or NDJSON when "stream" is true) that
 * records every request body: the test reads what ai-router really sent the model.
 */
function recordingOllama(): Promise<{ server: Server; url: string; requests: OllamaChatBody[] }> {
  const requests: OllamaChatBody[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.url === '/api/show') return void res.writeHead(200).end(JSON.stringify({ parameters: 'num_ctx 8192', model_info: {} }));
      if (req.url === '/api/tags') return void res.writeHead(200).end(JSON.stringify({ models: [{ name: 'phi3', model: 'phi3' }] }));
      if (req.url !== '/api/chat') return void res.writeHead(404).end('{"error":"not found"}');
      const body = JSON.parse(raw) as OllamaChatBody;
      requests.push(body);
      const final = {
        model: body.model,
        created_at: new Date().toISOString(),
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 9,
        eval_count: 2,
      };
      if (body.stream === false)
        return void res.writeHead(200).end(JSON.stringify({ ...final, message: { role: 'assistant', content: 'Got it.' } }));
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(JSON.stringify({ model: body.model, message: { role: 'assistant', content: 'Got' }, done: false }) + '\n');
      res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: ' it.' } }) + '\n');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })),
  );
}

/**
 * Chat attachments end to end (docs/pwa.md, Attachments): gateway + ai-router + agents (its PDF reader) as
 * processes on a real Redis; Ollama is the recording stand-in above, the only provider, so every assertion on
 * "what the model saw" reads ai-router's real outbound request.
 */
describe('chat attachments (gateway + ai-router + agents)', () => {
  let p: Platform;
  let ollama: Awaited<ReturnType<typeof recordingOllama>>;

  beforeAll(async () => {
    ollama = await recordingOllama();
    p = await startPlatform({
      services: ['ai-router', 'agents'],
      appEnv: {
        'ai-router': { AI_PROVIDERS: 'ollama', OLLAMA_HOST: ollama.url },
        gateway: { CHAT_ATTACHMENT_MAX_CHARS: '2000', CHAT_ATTACHMENTS_MAX_CHARS: '3000', CHAT_ATTACHMENT_MAX_BYTES: '200000' },
      },
    });
  });
  afterAll(async () => {
    await p?.stop();
    ollama?.server.close();
  });

  const attach = (bytes: Buffer, filename: string, headers: Record<string, string> = p.headers) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), filename);
    return fetch(`${p.baseUrl}/chat/attachments`, { method: 'POST', body: form, headers });
  };
  const attachOk = async (bytes: Buffer, filename: string) => {
    const res = await attach(bytes, filename);
    const body = await res.json();
    expect([res.status, body]).toEqual([201, expect.objectContaining({ attachment_id: expect.stringMatching(/^[\w-]{22}$/) })]);
    return body as { attachment_id: string; name: string; kind: string; chars: number; truncated: boolean };
  };
  const lastUserContent = () => {
    const msgs = ollama.requests[ollama.requests.length - 1].messages;
    return msgs[msgs.length - 1].content;
  };

  it('a .txt reaches the model before the question, is stored with it, and is replayed on the next turn', async () => {
    const att = await attachOk(Buffer.from('The secret word is PAPAYA.\n'), 'notes.txt');
    expect(att).toMatchObject({ name: 'notes.txt', kind: 'text', chars: 27, truncated: false });
    const res = await p.request('/chat', {
      method: 'POST',
      json: { message: 'What is the secret word?', session_id: 'att-1', attachments: [att.attachment_id] },
    });
    expect(res.status).toBe(200);
    expect(lastUserContent()).toBe(
      '[Attached file: notes.txt]\nThe secret word is PAPAYA.\n\n[End of notes.txt]\n\nWhat is the secret word?',
    );
    const hist = await (await p.request(`/chat/history/${p.userId}?session_id=att-1`)).json();
    expect(hist.messages[0]).toMatchObject({
      role: 'user',
      content: 'What is the secret word?',
      attachments: [{ name: 'notes.txt', kind: 'text', chars: 27, text: 'The secret word is PAPAYA.\n' }],
    });
    await p.request('/chat', { method: 'POST', json: { message: 'And again?', session_id: 'att-1' } });
    const replay = ollama.requests[ollama.requests.length - 1].messages;
    expect(replay.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(replay[0].content).toContain('PAPAYA');
    expect(replay[2].content).toBe('And again?');
  });

  it("a .pdf is read by the agents' PDF reader and reaches the model page by page (streamed turn)", async () => {
    const att = await attachOk(buildPdf(['Kiwi harvest report', 'Second page mentions MANGO']), 'report.pdf');
    expect(att).toMatchObject({ name: 'report.pdf', kind: 'pdf', truncated: false });
    const res = await p.request('/chat/stream', {
      method: 'POST',
      json: { message: 'Summarise the report', session_id: 'att-2', attachments: [att.attachment_id] },
    });
    const events = await readSse(res);
    expect(events[events.length - 1].event).toBe('done');
    const sent = lastUserContent();
    expect(sent).toMatch(/^\[Attached file: report\.pdf\]\n\[page 1\]\nKiwi harvest report\s*\n\n\[page 2\]\nSecond page mentions MANGO/);
    expect(sent.endsWith('\n\nSummarise the report')).toBe(true);
  });

  it("another user's attachment id is a 404, and nothing reaches the model", async () => {
    const att = await attachOk(Buffer.from('private notes of the tester'), 'private.txt');
    const other = await p.createUser();
    const before = ollama.requests.length;
    const res = await fetch(`${p.baseUrl}/chat`, {
      method: 'POST',
      headers: { ...other.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'read it', attachments: [att.attachment_id] }),
    });
    expect(res.status).toBe(404);
    expect((await res.json()).message).toMatch(/attachments\[0\] is unknown or has expired/);
    expect(ollama.requests.length).toBe(before);
  });

  it('refuses an executable with 415 naming the detected type; an image is taken, but this Ollama model reads none: 400 IMAGES_NOT_SUPPORTED', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]);
    const exe = await attach(elf, 'notes.txt');
    const exeBody = await exe.json();
    expect([exe.status, exeBody.error]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(exeBody.message).toMatch(/file: "notes\.txt" is \S+ \(elf\)/);
    const png = await attachOk(await pngWithExif(), 'photo.png');
    expect(png).toMatchObject({ name: 'photo.png', kind: 'image', mime: 'image/png' });
    // The stand-in's /api/show lists no "vision" capability: ai-router skips it, and nothing else is configured.
    const before = ollama.requests.length;
    const res = await p.request('/chat', { method: 'POST', json: { message: 'What is this?', attachments: [png.attachment_id] } });
    const body = await res.json();
    expect([res.status, body.error]).toEqual([400, 'IMAGES_NOT_SUPPORTED']);
    expect(body.message).toBe("None of this server's chat models can read images. Describe it in words, or attach text or a PDF.");
    expect(ollama.requests.length).toBe(before);
  });

  it('over a cap is a 400 naming the field: `file` per attachment, `attachments` per message', async () => {
    const big = await attach(Buffer.from('é'.repeat(2001)), 'big.txt');
    const bigBody = await big.json();
    expect([big.status, bigBody.error]).toEqual([400, 'TEXT_TOO_LONG']);
    expect(bigBody.message).toMatch(/^file: "big\.txt" holds 2001 characters.*CHAT_ATTACHMENT_MAX_CHARS/);
    const a = await attachOk(Buffer.from('a'.repeat(1600)), 'a.txt');
    const b = await attachOk(Buffer.from('b'.repeat(1600)), 'b.txt');
    const before = ollama.requests.length;
    const res = await p.request('/chat', { method: 'POST', json: { message: 'both', attachments: [a.attachment_id, b.attachment_id] } });
    const body = await res.json();
    expect([res.status, body.message]).toEqual([400, expect.stringMatching(/^attachments: 3200 characters.*CHAT_ATTACHMENTS_MAX_CHARS/)]);
    expect(ollama.requests.length).toBe(before);
  });

  it.each([
    ['a malformed id', ['../x'], /attachments must be ids from POST \/chat\/attachments/],
    ['too many ids', ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(22)), /attachments must hold at most 4 ids/],
    ['a repeated id', ['a'.repeat(22), 'a'.repeat(22)], /attachments must not repeat an id/],
  ])('refuses %s in attachments with a 400 naming the field', async (_name, attachments, message) => {
    const res = await p.request('/chat', { method: 'POST', json: { message: 'hi', attachments } });
    expect(res.status).toBe(400);
    expect(JSON.stringify((await res.json()).message)).toMatch(message);
  });

  it('refuses an empty upload and a JSON body, and documents the route in Swagger', async () => {
    expect((await attach(Buffer.alloc(0), 'empty.txt')).status).toBe(400);
    const json = await p.request('/chat/attachments', { method: 'POST', json: { file: 'x' } });
    expect(json.status).toBe(400);
    const doc = await (await fetch(`${p.baseUrl}/docs-json`)).json();
    expect(Object.keys(doc.paths['/chat/attachments'])).toEqual(['post']);
    expect(doc.components.schemas.ChatRequestDto.properties.attachments).toMatchObject({ type: 'array', maxItems: 4 });
  });
});
