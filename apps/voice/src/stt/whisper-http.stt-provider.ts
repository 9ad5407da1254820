import type { WordTimingDto } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { outboundFetch, OutboundHttpError, type OutboundAnswer } from '@nitro/service-kit';
import type { SttOutput, SttProvider, SttRequest } from './stt-provider.interface';

/** A transcript with word timings is small; a larger answer is not a whisper server's. */
const MAX_ANSWER_BYTES = 5_000_000;

interface WhisperAnswer {
  text?: string;
  language?: string;
  words?: { word: string; start: number; end: number; probability?: number }[];
  segments?: { words?: { word: string; start: number; end: number; probability?: number }[] }[];
}

/**
 * A whisper server the user runs: whisper.cpp's `/inference` or an OpenAI-style
 * `/v1/audio/transcriptions`. Both take a multipart `file`; the URL decides which fields we add.
 */
export class WhisperHttpSttProvider implements SttProvider {
  readonly name = 'whisper' as const;

  constructor(private readonly env: VoiceEnv) {}

  unavailable(): string | null {
    return this.env.WHISPER_URL ? null : 'not configured: set WHISPER_URL (whisper.cpp /inference or /v1/audio/transcriptions)';
  }

  unsuitable(): string | null {
    return null;
  }

  async transcribe(req: SttRequest): Promise<SttOutput> {
    const openAi = /\/audio\/transcriptions\/?$/.test(new URL(this.env.WHISPER_URL).pathname);
    const form = new FormData();
    form.append('file', new Blob([req.wav], { type: 'audio/wav' }), 'audio.wav');
    form.append('response_format', 'verbose_json');
    form.append('language', req.language.split('-')[0].toLowerCase());
    if (openAi) {
      form.append('model', this.env.WHISPER_MODEL);
      form.append('timestamp_granularities[]', 'word');
    } else {
      form.append('temperature', '0');
    }
    let res: OutboundAnswer;
    try {
      res = await outboundFetch({
        url: this.env.WHISPER_URL,
        method: 'POST',
        body: form,
        timeoutMs: this.env.WHISPER_TIMEOUT_MS,
        signal: req.signal,
        maxBytes: MAX_ANSWER_BYTES,
      });
    } catch (err) {
      const aborted = err instanceof OutboundHttpError && (err.kind === 'timeout' || err.kind === 'cancelled');
      throw new Error(
        `whisper server: ${aborted ? `no answer within ${this.env.WHISPER_TIMEOUT_MS} ms (WHISPER_TIMEOUT_MS) or cancelled` : (err as Error).message}`,
      );
    }
    const body = res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`whisper server answered HTTP ${res.status}: ${body.slice(0, 200)}`);
    let answer: WhisperAnswer;
    try {
      answer = JSON.parse(body) as WhisperAnswer;
    } catch {
      throw new Error(`whisper server answered something that is not JSON: ${body.slice(0, 100)}`);
    }
    if (typeof answer.text !== 'string') throw new Error('whisper server answer has no "text"');
    const raw = answer.words ?? answer.segments?.flatMap((s) => s.words ?? []) ?? [];
    const words: WordTimingDto[] = raw.map((w) => ({
      word: w.word.trim(),
      start: w.start,
      end: w.end,
      ...(w.probability !== undefined ? { confidence: w.probability } : {}),
    }));
    // whisper.cpp names the language ("english"); keep the code we asked with then.
    const language = answer.language && /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(answer.language) ? answer.language : req.language;
    return { text: answer.text.trim(), language, words: words.length ? words : undefined };
  }
}
