import { ForbiddenException } from '@nestjs/common';
import { of, lastValueFrom, toArray } from 'rxjs';
import { GatewayEnv, loadConfig } from '@nitro/config';
import type { ChatCommand, ChatRequestDto, ChatStreamEvent } from '@nitro/contracts';
import type { AiRouterClient } from '@nitro/transport';
import type { AuthUser } from '../auth/auth-user';
import { ChatService } from './chat.service';
import type { ChatStreamsService } from './chat-streams.service';
import type { AttachmentsService } from './attachments.service';

const alice: AuthUser = { id: 'alice', role: 'user', via: 'jwt' };
const admin: AuthUser = { id: 'root', role: 'admin', via: 'jwt' };

/** ChatService without Fastify or Redis: a fake ai-router client and stream registry record what they get. */
function setup() {
  const sent: ChatCommand[] = [];
  const aiRouter = {
    send: async (cmd: ChatCommand) => (
      sent.push(cmd),
      { response: 'hi', ai_model: 'm', ai_source: 'local', timestamp: 't', session_id: 's' }
    ),
    stream: (cmd: ChatCommand) => (sent.push(cmd), of<ChatStreamEvent>({ type: 'token', text: 'x' })),
    history: async (q: { user_id: string }) => ({ user_id: q.user_id, session_id: 's', messages: [] }),
  } as unknown as AiRouterClient;
  const streams = {
    open: async (_u: AuthUser, _owner: string, _kind: string, _key: string | undefined, start: (id: string) => unknown) => ({
      streamId: 'sid',
      events: start('sid'),
    }),
  } as unknown as ChatStreamsService;
  const env = loadConfig(GatewayEnv, { JWT_SECRET: 'x'.repeat(40), CHAT_MAX_MESSAGE_CHARS: '10' });
  const attachments = {
    // Ids starting with "img" are images (as the repository would answer), the rest text.
    resolve: async (u: AuthUser, ids: string[]) => ({
      texts: ids.filter((id) => !id.startsWith('img')).map((id) => ({ name: `${u.id}-${id}.txt`, kind: 'text', text: 'file text' })),
      images: ids.filter((id) => id.startsWith('img')).map((id) => ({ name: `${id}.png`, mime: 'image/png', data: 'iVBORw0KGgo=' })),
    }),
  } as unknown as AttachmentsService;
  return { chat: new ChatService(aiRouter, env, streams, attachments), sent };
}

const dto = (over: Partial<ChatRequestDto> = {}) => ({ message: 'hello', user_id: 'alice', ...over }) as ChatRequestDto;

describe('ChatService (gateway)', () => {
  it("refuses another user's user_id before anything is sent; an admin may act for anyone", async () => {
    const { chat, sent } = setup();
    expect(() => chat.send(alice, dto({ user_id: 'bob' }))).toThrow(ForbiddenException);
    await expect(chat.open(alice, dto({ user_id: 'bob' }))).rejects.toBeInstanceOf(ForbiddenException);
    expect(() => chat.history(alice, 'bob')).toThrow(ForbiddenException);
    expect(sent).toEqual([]);
    await expect(chat.send(admin, dto({ user_id: 'bob' }))).resolves.toMatchObject({ response: 'hi' });
  });

  it('enforces CHAT_MAX_MESSAGE_CHARS and refuses a blank message, naming the field', () => {
    const { chat } = setup();
    expect(() => chat.send(alice, dto({ message: 'x'.repeat(11) }))).toThrow(/message must be at most 10 characters/);
    expect(() => chat.send(alice, dto({ message: '   ' }))).toThrow(/message must contain visible text/);
  });

  it('counts the limit in code points (10 emoji fit a 10-character limit) and refuses invisible-only text (issue 14)', () => {
    const { chat } = setup();
    expect(() => chat.send(alice, dto({ message: '😀'.repeat(10) }))).not.toThrow();
    expect(() => chat.send(alice, dto({ message: '😀'.repeat(11) }))).toThrow(/message must be at most 10 characters/);
    for (const blank of ['\u200b\u2060', '\u202e\u200f', '\u0000\u0007', '\u3164', '\u2800']) {
      expect(() => chat.send(alice, dto({ message: blank }))).toThrow(/message must contain visible text/);
    }
  });

  it('passes "ephemeral": true on (the memory-down advice says to send it; POST /chat used to refuse it as unknown)', async () => {
    const { chat, sent } = setup();
    await chat.send(alice, dto({ ephemeral: true }));
    expect(sent).toEqual([expect.objectContaining({ message: 'hello', ephemeral: true })]);
  });

  it("resolves attachments as the caller's own (an admin acting for alice sends the admin's files) on both paths", async () => {
    const { chat, sent } = setup();
    await chat.send(admin, dto({ attachments: ['a'] }));
    await chat.open(alice, dto({ attachments: ['b', 'c'] }));
    expect(sent.map((c) => c.attachments?.map((a) => a.name))).toEqual([['root-a.txt'], ['alice-b.txt', 'alice-c.txt']]);
    await chat.send(alice, dto());
    expect(sent[2]).not.toHaveProperty('attachments');
  });

  it('puts image attachments on the command as images (with their names), text ones as attachments, neither when absent', async () => {
    const { chat, sent } = setup();
    await chat.open(alice, dto({ attachments: ['img1', 'b'] }));
    await chat.send(alice, dto({ attachments: ['img2'] }));
    expect(sent[0]).toMatchObject({
      attachments: [{ name: 'alice-b.txt' }],
      images: [{ name: 'img1.png', mime: 'image/png', data: 'iVBORw0KGgo=' }],
    });
    expect(sent[1].images).toEqual([{ name: 'img2.png', mime: 'image/png', data: 'iVBORw0KGgo=' }]);
    expect(sent[1]).not.toHaveProperty('attachments');
  });

  it('opens a tracked stream: the command to ai-router carries the stream_id', async () => {
    const { chat, sent } = setup();
    const { streamId, events } = await chat.open(alice, dto());
    expect(await lastValueFrom(events.pipe(toArray()))).toEqual([{ type: 'token', text: 'x' }]);
    expect(sent).toEqual([expect.objectContaining({ message: 'hello', user_id: 'alice', stream_id: streamId })]);
  });
});
