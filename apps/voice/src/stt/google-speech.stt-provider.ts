import { v1 } from '@google-cloud/speech';
import type { WordTimingDto } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { parseWav } from '../audio/wav.util';
import {
  describeGoogleError,
  googleClientOptions,
  googleUnavailable,
  guardGoogleFetch,
  withCallSignal,
} from '../google/google-client.util';
import type { SttOutput, SttProvider, SttRequest } from './stt-provider.interface';

/** Synchronous `speech:recognize` accepts at most one minute of audio. */
const SYNC_LIMIT_SECONDS = 60;

type Duration = { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null | undefined;
const seconds = (d: Duration): number => Math.round((Number(d?.seconds?.toString() ?? 0) + (d?.nanos ?? 0) / 1e9) * 1000) / 1000;

/** Google Cloud Speech-to-Text v1 over its REST transport, LINEAR16 16 kHz with word time offsets. */
export class GoogleSpeechSttProvider implements SttProvider {
  readonly name = 'google' as const;
  private client?: v1.SpeechClient;

  constructor(private readonly env: VoiceEnv) {}

  unavailable(): string | null {
    return googleUnavailable(this.env);
  }

  unsuitable(req: Pick<SttRequest, 'duration'>): string | null {
    return req.duration > SYNC_LIMIT_SECONDS ? `synchronous recognition takes at most ${SYNC_LIMIT_SECONDS} s of audio` : null;
  }

  async transcribe(req: SttRequest): Promise<SttOutput> {
    const wav = parseWav(req.wav);
    const request = {
      config: {
        encoding: 'LINEAR16' as const,
        sampleRateHertz: wav.sampleRate,
        audioChannelCount: wav.channels,
        languageCode: req.language,
        enableWordTimeOffsets: true,
        enableAutomaticPunctuation: true,
      },
      audio: { content: req.wav.subarray(wav.dataOffset, wav.dataOffset + wav.dataBytes) },
    };
    let response;
    try {
      // No client-side retries: falling back to the next engine is the retry.
      [response] = await withCallSignal(req.signal, () => this.speech().recognize(request, { maxRetries: 0 }));
    } catch (err) {
      throw new Error(`Google Speech-to-Text: ${describeGoogleError(err, this.env.GOOGLE_TIMEOUT_MS)}`);
    }
    const texts: string[] = [];
    const words: WordTimingDto[] = [];
    const confidences: number[] = [];
    let language = req.language;
    for (const result of response.results ?? []) {
      const best = result.alternatives?.[0];
      if (!best) continue;
      if (best.transcript) texts.push(best.transcript.trim());
      if (typeof best.confidence === 'number' && best.confidence > 0) confidences.push(best.confidence);
      if (result.languageCode) language = result.languageCode;
      for (const w of best.words ?? [])
        words.push({
          word: w.word ?? '',
          start: seconds(w.startTime as Duration),
          end: seconds(w.endTime as Duration),
          ...(w.confidence ? { confidence: w.confidence } : {}),
        });
    }
    const confidence = confidences.length
      ? Math.round((confidences.reduce((a, b) => a + b, 0) / confidences.length) * 1000) / 1000
      : undefined;
    return { text: texts.join(' ').trim(), language, words: words.length ? words : undefined, confidence };
  }

  private speech(): v1.SpeechClient {
    if (!this.client) {
      this.client = new v1.SpeechClient(googleClientOptions(this.env) as ConstructorParameters<typeof v1.SpeechClient>[0]);
      guardGoogleFetch(this.client, this.env.GOOGLE_TIMEOUT_MS);
    }
    return this.client;
  }
}
