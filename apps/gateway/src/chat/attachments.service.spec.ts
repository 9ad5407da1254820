import { GatewayEnv, loadConfig } from '@nitro/config';
import type { FileAnalysisDto } from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import type { AgentsService } from '../agents/agents.service';
import type { AttachmentsRepository, StoredAttachment } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

const alice: AuthUser = { id: 'alice', role: 'user', via: 'jwt' };
const bob: AuthUser = { id: 'bob', role: 'user', via: 'jwt' };

/** The service with an in-memory repository (keyed by user, as Redis is) and a recorded agents call for PDFs. */
function setup(pdf?: Record<string, unknown>) {
  const store = new Map<string, StoredAttachment>();
  const repo = {
    put: async (u: string, id: string, v: StoredAttachment) => void store.set(`${u}/${id}`, v),
    get: async (u: string, ids: string[]) => ids.map((id) => store.get(`${u}/${id}`)),
  } as unknown as AttachmentsRepository;
  const analysed: unknown[] = [];
  const agents = {
    analyzeUpload: async (...args: unknown[]) => (
      analysed.push(args),
      { type: { kind: 'pdf', mime: 'application/pdf', by: 'magic' }, details: { pdf } } as unknown as FileAnalysisDto
    ),
  } as unknown as AgentsService;
  const env = loadConfig(GatewayEnv, {
    JWT_SECRET: 'x'.repeat(40),
    CHAT_ATTACHMENT_MAX_CHARS: '10',
    CHAT_ATTACHMENTS_MAX_CHARS: '15',
    CHAT_ATTACHMENT_MAX_IMAGE_BYTES: '2048',
  });
  return { svc: new AttachmentsService(env, repo, agents), analysed };
}
const file = (text: string | Buffer, filename?: string) => ({ bytes: Buffer.from(text), filename, fields: {} });

describe('AttachmentsService (gateway)', () => {
  it('decodes text, counts code points, cleans the name, and finds it only for its owner', async () => {
    const { svc } = setup();
    const a = await svc.upload(alice, file('héllo 😀', 'a\u0007b.md'));
    expect(a).toEqual({ attachment_id: expect.stringMatching(/^[\w-]{22}$/), name: 'a b.md', kind: 'text', chars: 7, truncated: false });
    expect(await svc.resolve(alice, [a.attachment_id])).toEqual({
      texts: [{ name: 'a b.md', kind: 'text', text: 'héllo 😀', chars: 7, truncated: false }],
      images: [],
    });
    await expect(svc.resolve(bob, [a.attachment_id])).rejects.toMatchObject({ status: 404 });
  });

  it('refuses: over the per-file cap (400 naming file), no text, an executable or a BMP image (415)', async () => {
    const { svc } = setup();
    await expect(svc.upload(alice, file('x'.repeat(11), 'big.txt'))).rejects.toMatchObject({
      status: 400,
      response: { error: 'TEXT_TOO_LONG', message: expect.stringMatching(/^file: "big\.txt" holds 11 characters/) },
    });
    await expect(svc.upload(alice, file('   \n', 'blank.txt'))).rejects.toMatchObject({ status: 400 });
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 1)]);
    await expect(svc.upload(alice, file(elf, 'x.txt'))).rejects.toMatchObject({ status: 415, response: { message: /\(elf\)/ } });
    await expect(svc.upload(alice, file(Buffer.from([0, 1, 2, 0, 3, 4, 0, 5]), 'raw'))).rejects.toMatchObject({ status: 415 });
    const bmp = Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60, 0)]);
    await expect(svc.upload(alice, file(bmp, 'x.bmp'))).rejects.toMatchObject({ status: 415, response: { message: /image\/bmp/ } });
  });

  it('keeps an image (type from the bytes, not the name) as base64 and resolves it apart from text, in order', async () => {
    const { svc } = setup();
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    const img = await svc.upload(alice, file(gif, 'notes.txt'));
    expect(img).toEqual({
      attachment_id: expect.stringMatching(/^[\w-]{22}$/),
      name: 'notes.txt',
      kind: 'image',
      mime: 'image/gif',
      bytes: gif.length,
      chars: 0,
      truncated: false,
    });
    const txt = await svc.upload(alice, file('hello', 'a.md'));
    expect(await svc.resolve(alice, [img.attachment_id, txt.attachment_id])).toEqual({
      texts: [expect.objectContaining({ name: 'a.md', text: 'hello' })],
      images: [{ name: 'notes.txt', mime: 'image/gif', data: gif.toString('base64') }],
    });
  });

  it('refuses an image over CHAT_ATTACHMENT_MAX_IMAGE_BYTES with 413 naming file and the variable', async () => {
    const { svc } = setup();
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(2048, 7)]);
    await expect(svc.upload(alice, file(png, 'big.png'))).rejects.toMatchObject({
      status: 413,
      response: {
        error: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/^file: "big\.png" is an image of 2064 bytes.*CHAT_ATTACHMENT_MAX_IMAGE_BYTES/),
      },
    });
  });

  it('caps the text of one message (400 naming attachments)', async () => {
    const { svc } = setup();
    const a = await svc.upload(alice, file('a'.repeat(10)));
    const b = await svc.upload(alice, file('b'.repeat(10)));
    await expect(svc.resolve(alice, [a.attachment_id, b.attachment_id])).rejects.toMatchObject({
      status: 400,
      response: { message: expect.stringMatching(/^attachments: 20 characters.*at most 15/) },
    });
  });

  it('reads a PDF through the agents (no LLM pass), with page markers; truncated when pages were left unread', async () => {
    const { svc, analysed } = setup({
      pages: 3,
      pages_read: 2,
      text_pages: [
        { page: 1, chars: 1, text: 'p' },
        { page: 2, chars: 0, text: '' },
      ],
    });
    const a = await svc.upload(alice, file('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'r.pdf'));
    expect(a).toMatchObject({ kind: 'pdf', truncated: true, chars: 10 });
    expect(analysed).toEqual([[alice, expect.objectContaining({ filename: 'r.pdf' }), { llm: false }]]);
    expect((await svc.resolve(alice, [a.attachment_id])).texts[0].text).toBe('[page 1]\np');
  });
});
