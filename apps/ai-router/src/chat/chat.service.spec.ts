import type { ModelRegistry } from '../models/model-registry.service';
import type { ProviderName } from '@nitro/contracts';
import { lastValueFrom, toArray } from 'rxjs';
import { AiRouterEnv, loadConfig } from '@nitro/config';
import type { ChatMessageDto, ChatStreamEvent } from '@nitro/contracts';
import { createLogger } from '@nitro/observability';
import { FakeProvider } from '../../test/support/fake-provider';
import type { ConversationRepository } from '../memory/conversation.repository';
import { ProviderRegistry } from '../providers/provider-registry';
import { RouterService } from '../providers/router.service';
import { ChatService } from './chat.service';
import type { TrackedStreamService } from '../streams/tracked-stream.service';

/** Memory double that records writes in order, so "written before the reply" can be checked. */
class MemoryDouble {
  store = new Map<string, ChatMessageDto[]>();
  log: string[] = [];
  async messages(user: string, session: string, limit: number) {
    return (this.store.get(`${user}/${session}`) ?? []).slice(-limit);
  }
  async append(user: string, session: string, msgs: ChatMessageDto[]) {
    this.log.push('append');
    const key = `${user}/${session}`;
    this.store.set(key, [...(this.store.get(key) ?? []), ...msgs]);
    return this.store.get(key)?.length ?? 0;
  }
}

function setup(env: Record<string, string> = {}) {
  createLogger('test', 'silent');
  const config = loadConfig(AiRouterEnv, { AI_PROVIDERS: 'ollama,local', CHAT_CONTEXT_MESSAGES: '4', ...env });
  const ollama = new FakeProvider('ollama', { chunks: ['Hello', ' there'] });
  const local = new FakeProvider('local', { chunks: ['local'] });
  const memory = new MemoryDouble();
  // Untracked streams only here (no stream_id): tracked ones need Redis and are covered in test/e2e/chat-streams.
  const chat = new ChatService(
    new RouterService(new ProviderRegistry([ollama, local], config)),
    memory as unknown as ConversationRepository,
    config,
    {} as TrackedStreamService,
    passThroughModels,
  );
  return { chat, memory, ollama, local };
}

const events = (o: ReturnType<ChatService['stream']>) => lastValueFrom(o.pipe(toArray()));

/** No registry ids in these specs: options pass through as before. */
const passThroughModels = {
  routeFor: async (o?: { provider?: ProviderName; model?: string }) => ({ provider: o?.provider, model: o?.model }),
} as unknown as ModelRegistry;

describe('ChatService', () => {
  it('answers, names provider and model, and has stored both messages when it returns', async () => {
    const { chat, memory } = setup();
    const res = await chat.send({ message: 'hi', user_id: 'u1', session_id: 's1' });
    expect(res).toEqual(
      expect.objectContaining({
        response: 'Hello there',
        ai_source: 'ollama',
        ai_model: 'ollama-model',
        session_id: 's1',
        fallbacks: [],
        finish_reason: 'stop',
      }),
    );
    const stored = memory.store.get('u1/s1') ?? [];
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['assistant', 'Hello there'],
    ]);
    expect(stored[1]).toEqual(expect.objectContaining({ ai_model: 'ollama-model', ai_source: 'ollama', timestamp: res.timestamp }));
  });

  it('keeps the token counts and finish reason on the stored answer, whole or streamed', async () => {
    const { chat, memory } = setup();
    await chat.send({ message: 'hi', user_id: 'u1', session_id: 'su' });
    await events(chat.stream({ message: 'again', user_id: 'u1', session_id: 'su' }));
    const answers = (memory.store.get('u1/su') ?? []).filter((m) => m.role === 'assistant');
    expect(answers).toEqual([
      expect.objectContaining({ usage: { prompt_tokens: 3, completion_tokens: 2 }, finish_reason: 'stop' }),
      expect.objectContaining({ usage: { prompt_tokens: 3, completion_tokens: 2 }, finish_reason: 'stop' }),
    ]);
    // The question carries none of it.
    expect(memory.store.get('u1/su')?.[0]).not.toHaveProperty('usage');
  });

  it('stores no usage for an answer broken off mid-stream', async () => {
    const { chat, memory, ollama } = setup();
    ollama.script = { chunks: ['Once', ' upon'], breakAfter: 1, breakWith: new TypeError('terminated') };
    await events(chat.stream({ message: 'story', user_id: 'u1', session_id: 'sb' }));
    const stored = memory.store.get('u1/sb') ?? [];
    expect(stored[1]).toEqual(expect.objectContaining({ status: 'failed' }));
    expect(stored[1]).not.toHaveProperty('usage');
  });

  it("puts attached files' text before the message for the model and stores it with the question", async () => {
    const { chat, memory, ollama } = setup();
    const attachments = [{ name: 'a\n].txt', kind: 'text', text: 'alpha beta', truncated: true }];
    await chat.send({ message: 'what is in it?', user_id: 'u1', session_id: 'sa', attachments });
    const sent = ollama.requests[0].messages;
    expect(sent[sent.length - 1].content).toBe('[Attached file: a .txt (cut short)]\nalpha beta\n[End of a .txt]\n\nwhat is in it?');
    const [question] = memory.store.get('u1/sa') ?? [];
    expect(question).toEqual(
      expect.objectContaining({
        content: 'what is in it?',
        attachments: [{ name: 'a\n].txt', kind: 'text', chars: 10, truncated: true, text: 'alpha beta' }],
      }),
    );
    await chat.send({ message: 'and again?', user_id: 'u1', session_id: 'sa' });
    expect(ollama.requests[1].messages[0].content).toContain('alpha beta');
    await expect(
      chat.send({ message: 'x', user_id: 'u1', attachments: [{ name: 'i.png', kind: 'image', text: '' }] }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/attachments\.0\.kind/) });
  });

  it('sends images on the new message only; history keeps their names, not their bytes, and later turns say they were there', async () => {
    const { chat, memory, ollama, local } = setup();
    ollama.vision = true;
    const images = [{ name: 'cat.png', mime: 'image/png', data: 'iVBORw0KGgo=' }];
    const attachments = [{ name: 'n.txt', kind: 'text', text: 'note' }];
    await chat.send({ message: 'what is this?', user_id: 'u1', session_id: 'si', images, attachments });
    const sent = ollama.requests[0].messages;
    expect(sent[sent.length - 1]).toEqual({
      role: 'user',
      content: '[Attached file: n.txt]\nnote\n[End of n.txt]\n\nwhat is this?',
      images: [{ mime: 'image/png', data: 'iVBORw0KGgo=' }],
    });
    expect(memory.store.get('u1/si')?.[0].attachments).toEqual([
      { name: 'n.txt', kind: 'text', chars: 4, text: 'note' },
      { name: 'cat.png', kind: 'image', chars: 0, text: '' },
    ]);
    expect(JSON.stringify([...memory.store.values()])).not.toContain('iVBORw0KGgo');
    ollama.vision = false; // the next turn has no images: any provider may serve it
    await chat.send({ message: 'and now?', user_id: 'u1', session_id: 'si' });
    const replay = ollama.requests[1].messages;
    expect(replay.every((m) => !m.images)).toBe(true);
    expect(replay[0].content).toBe(
      '[Attached file: n.txt]\nnote\n[End of n.txt]\n\n[Image shown earlier, not repeated here: cat.png]\n\nwhat is this?',
    );
    expect(local.calls).toBe(0);
    await expect(chat.send({ message: 'x', user_id: 'u1', images: [{ mime: 'image/bmp', data: 'Qk0=' }] })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/images\.0\.mime must be one of: image\/png/),
    });
  });

  it('creates a session id when none is given', async () => {
    const { chat, memory } = setup();
    const res = await chat.send({ message: 'hi', user_id: 'u1' });
    expect(res.session_id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(memory.store.has(`u1/${res.session_id}`)).toBe(true);
  });

  it('sends the recent history as context, within the configured message count', async () => {
    const { chat, ollama } = setup();
    for (let i = 0; i < 4; i++) await chat.send({ message: `q${i}`, user_id: 'u1', session_id: 's' });
    const last = ollama.requests[ollama.requests.length - 1];
    expect(last.messages.map((m) => m.content)).toEqual(['q1', 'Hello there', 'q2', 'Hello there', 'q3']);
  });

  it('ephemeral commands neither read nor write memory', async () => {
    const { chat, memory } = setup();
    await chat.send({ message: 'hi', user_id: 'u1', session_id: 's1', ephemeral: true });
    expect(memory.log).toEqual([]);
  });

  it('rejects a bad command with a 400 naming the field', async () => {
    const { chat } = setup();
    await expect(chat.send({ message: '', user_id: 'u1' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/message/),
    });
    await expect(chat.send({ message: 'x', user_id: '../x' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/user_id/),
    });
    await expect(chat.send({ message: 'x', user_id: 'u', options: { temperature: 9 } })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/options\.temperature/),
    });
  });

  it('streams meta, tokens and done; done comes after the write', async () => {
    const { chat, memory } = setup();
    const seen: string[] = [];
    const out: ChatStreamEvent[] = await events(chat.stream({ message: 'hi', user_id: 'u1', session_id: 's2' }));
    for (const e of out) seen.push(e.type === 'done' ? `done(after ${memory.log.join(',')})` : e.type);
    expect(seen).toEqual(['meta', 'token', 'token', 'done(after append)']);
    expect(out[out.length - 1]).toEqual(
      expect.objectContaining({ type: 'done', response: 'Hello there', ai_source: 'ollama', session_id: 's2' }),
    );
  });

  it('ends a stream broken after tokens with an incomplete error and stores the partial answer marked failed', async () => {
    const { chat, memory, ollama, local } = setup();
    ollama.script = { chunks: ['Once', ' upon', ' a'], breakAfter: 2, breakWith: new TypeError('terminated') };
    const out = await events(chat.stream({ message: 'story', user_id: 'u1', session_id: 's3' }));
    expect(out.map((e) => e.type)).toEqual(['meta', 'token', 'token', 'error']);
    expect(out[3]).toEqual(
      expect.objectContaining({ type: 'error', status: 502, incomplete: true, message: expect.stringMatching(/incomplete/) }),
    );
    const stored = memory.store.get('u1/s3') ?? [];
    expect(stored[1]).toEqual(expect.objectContaining({ role: 'assistant', content: 'Once upon', status: 'failed', ai_source: 'ollama' }));
    expect(local.calls).toBe(0);
  });

  it('streams a 503 error event (not incomplete) when no provider can answer, storing nothing', async () => {
    const s = setup();
    s.ollama.configured = false;
    s.local.configured = false;
    const out = await events(s.chat.stream({ message: 'hi', user_id: 'u1', session_id: 's4' }));
    expect(out).toEqual([expect.objectContaining({ type: 'error', status: 503, code: 'NO_PROVIDER_AVAILABLE', incomplete: false })]);
    expect(s.memory.log).toEqual([]);
  });
});
