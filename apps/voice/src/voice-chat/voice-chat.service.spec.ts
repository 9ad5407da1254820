import { AiRouterClient } from '@nitro/transport';
import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import type { ChatCommand, ChatStreamEvent, TranscriptionDto, VoiceChatCommand, VoiceWireEvent } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { wavHeader } from '../audio/wav.util';
import type { SttService } from '../stt/stt.service';
import type { TtsService } from '../tts/tts.service';
import { VoiceChatService } from './voice-chat.service';

const cmd = (stream: boolean): VoiceChatCommand => ({
  job_id: 'job-12345678',
  audio: { blob_id: 'b', bytes: 1 },
  user_id: 'alice',
  session_id: 's1',
  stream,
  format: 'mp3',
  max_tokens: 32,
});
const heard: TranscriptionDto = { text: 'tell me a story', language: 'en-US', duration: 1.5, engine: 'pocketsphinx' };
const wav = (ms: number) => Buffer.concat([wavHeader(ms * 32, 16000), Buffer.alloc(ms * 32)]);
const TOKENS = ['Once upon', ' a time.', ' The dog', ' ran', ' home.', ' The end'];

function setup(answer: ChatStreamEvent[] | Observable<ChatStreamEvent>, transcript = heard) {
  const asked: ChatCommand[] = [];
  const spoken: string[] = [];
  const stt = { transcribeUpload: jest.fn(async () => transcript) } as unknown as SttService;
  const tts = {
    synthesize: jest.fn(async (text: string, voice: string | undefined) => {
      spoken.push(`${voice ?? 'default'}|${text}`);
      return { wav: wav(100), voice: { engine: 'flite', name: 'kal16', languages: ['en-US'] }, duration: 0.1 };
    }),
    store: jest.fn(async (w: Buffer, format: string) => ({
      blob_id: `blob-${w.length}`,
      bytes: w.length,
      format,
      content_type: 'audio/mpeg',
      engine: 'flite',
      voice: 'flite:kal16',
    })),
  } as unknown as TtsService;
  const aiRouter = {
    send: (_pattern: string, data: ChatCommand) => {
      asked.push(data);
      return Array.isArray(answer) ? of(...answer) : answer;
    },
  } as unknown as ClientProxy;
  return { service: new VoiceChatService(stt, tts, new AiRouterClient(aiRouter)), asked, spoken, tts };
}

const chatAnswer = (): ChatStreamEvent[] => [
  { type: 'meta', session_id: 's1', ai_model: 'stories260K', ai_source: 'local' },
  ...TOKENS.map((text): ChatStreamEvent => ({ type: 'token', text })),
  {
    type: 'done',
    response: TOKENS.join(''),
    ai_model: 'stories260K',
    ai_source: 'local',
    session_id: 's1',
    timestamp: '2026-11-28T10:00:00.000Z',
  },
];

const run = (s: VoiceChatService, c: VoiceChatCommand) => lastValueFrom(s.chat(c, new AbortController().signal).pipe(toArray()));

describe('VoiceChatService', () => {
  it('streams transcript, meta, tokens, one audio event per sentence in order, then done', async () => {
    const { service, asked, spoken } = setup(chatAnswer());
    const events = await run(service, cmd(true));
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('transcript');
    expect(kinds[1]).toBe('meta');
    expect(kinds[kinds.length - 1]).toBe('done');
    const audio = events.filter((e): e is Extract<VoiceWireEvent, { type: 'audio' }> => e.type === 'audio');
    expect(audio.map((a) => [a.index, a.text])).toEqual([
      [0, 'Once upon a time.'],
      [1, 'The dog ran home.'],
      [2, 'The end'],
    ]);
    // The user's own session and the transcript as the message: ai-router stores it like a typed turn.
    expect(asked).toEqual([{ message: 'tell me a story', user_id: 'alice', session_id: 's1', options: { max_tokens: 32 } }]);
    // Later sentences keep the voice the first one got.
    expect(spoken).toEqual(['default|Once upon a time.', 'flite:kal16|The dog ran home.', 'flite:kal16|The end']);
    expect(events[events.length - 1]).toMatchObject({
      type: 'done',
      transcript: 'tell me a story',
      audio_chunks: 3,
      response: TOKENS.join(''),
    });
  });

  it('speaks a sentence before the model has finished', async () => {
    let finishAnswer!: () => void;
    const answer = new Observable<ChatStreamEvent>((o) => {
      for (const e of chatAnswer().slice(0, 4)) o.next(e); // meta + "Once upon a time. The dog"
      finishAnswer = () => {
        for (const e of chatAnswer().slice(4)) o.next(e);
        o.complete();
      };
    });
    const { service } = setup(answer);
    const seen: string[] = [];
    const done = new Promise<void>((resolve) =>
      service.chat(cmd(true), new AbortController().signal).subscribe({
        next: (e) => {
          seen.push(e.type);
          if (e.type === 'audio') finishAnswer();
        },
        complete: resolve,
      }),
    );
    await done;
    expect(seen.indexOf('audio')).toBeLessThan(seen.lastIndexOf('token'));
  });

  it('in one-shot mode sends a single speech event with the whole answer joined', async () => {
    const { service, tts } = setup(chatAnswer());
    const events = await run(service, cmd(false));
    expect(events.filter((e) => e.type === 'audio')).toEqual([]);
    const speech = events.find((e) => e.type === 'speech');
    expect(speech).toMatchObject({ format: 'mp3', bytes: 3 * 3200 + 44 });
    expect((tts.store as jest.Mock).mock.calls).toHaveLength(1);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['speech', 'done']);
  });

  it('refuses with 422 and asks nobody when nothing was said', async () => {
    const { service, asked } = setup(chatAnswer(), { ...heard, text: '  ' });
    await expect(run(service, cmd(true))).rejects.toMatchObject({ status: 422, code: 'NO_SPEECH' });
    expect(asked).toEqual([]);
  });

  it("passes ai-router's error event on and ends", async () => {
    const { service } = setup([{ type: 'error', status: 503, code: 'NO_PROVIDER_AVAILABLE', message: 'no provider', incomplete: false }]);
    const events = await run(service, cmd(true));
    expect(events.map((e) => e.type)).toEqual(['transcript', 'error']);
  });

  it('keeps the status of transport failures', async () => {
    const { service } = setup(
      new Observable<ChatStreamEvent>((o) =>
        o.error({ code: 'SERVICE_UNAVAILABLE', status: 503, message: 'Service "ai-router" is unavailable' }),
      ),
    );
    const err = await run(service, cmd(true)).catch((e: ServiceError) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).status).toBe(503);
  });
});
