import { v1 } from '@google-cloud/text-to-speech';
import { VoiceEnv } from '@nitro/config';
import {
  describeGoogleError,
  googleClientOptions,
  googleUnavailable,
  guardGoogleFetch,
  withCallSignal,
} from '../google/google-client.util';
import type { SynthesisRequest, TtsProvider, TtsVoice } from './tts-provider.interface';

/** Google's voice list changes rarely; asking once per ten minutes is plenty. */
const VOICES_TTL_MS = 10 * 60_000;

/** SsmlVoiceGender arrives as a name or, with numeric enums on the REST transport, as its number. */
const GENDERS: Record<string, string> = { '1': 'male', '2': 'female', '3': 'neutral', MALE: 'male', FEMALE: 'female', NEUTRAL: 'neutral' };
const genderName = (g: unknown): string | undefined => (g === null || g === undefined ? undefined : GENDERS[String(g)]);

/** Google Cloud Text-to-Speech v1 over its REST transport; LINEAR16 so every engine hands back a WAV. */
export class GoogleTtsProvider implements TtsProvider {
  readonly name = 'google' as const;
  private client?: v1.TextToSpeechClient;
  private cached?: { at: number; voices: TtsVoice[] };

  constructor(private readonly env: VoiceEnv) {}

  unavailable(): string | null {
    return googleUnavailable(this.env);
  }

  async voices(signal?: AbortSignal): Promise<TtsVoice[]> {
    if (this.cached && Date.now() - this.cached.at < VOICES_TTL_MS) return this.cached.voices;
    let response;
    try {
      [response] = await withCallSignal(signal ?? new AbortController().signal, () => this.tts().listVoices({}, { maxRetries: 0 }));
    } catch (err) {
      throw new Error(`Google Text-to-Speech voices: ${describeGoogleError(err, this.env.GOOGLE_TIMEOUT_MS)}`);
    }
    const voices: TtsVoice[] = (response.voices ?? [])
      .filter((v) => v.name)
      .map((v) => ({
        name: v.name as string,
        engine: this.name,
        languages: v.languageCodes ?? [],
        gender: genderName(v.ssmlGender),
        sampleRate: v.naturalSampleRateHertz ?? undefined,
      }));
    this.cached = { at: Date.now(), voices };
    return voices;
  }

  async synthesize(req: SynthesisRequest): Promise<Buffer> {
    const request = {
      input: { text: req.text },
      voice: { name: req.voice.name, languageCode: req.voice.languages[0] },
      audioConfig: { audioEncoding: 'LINEAR16' as const, speakingRate: req.rate },
    };
    let response;
    try {
      [response] = await withCallSignal(req.signal, () => this.tts().synthesizeSpeech(request, { maxRetries: 0 }));
    } catch (err) {
      throw new Error(`Google Text-to-Speech: ${describeGoogleError(err, this.env.GOOGLE_TIMEOUT_MS)}`);
    }
    const audio = response.audioContent;
    if (!audio || audio.length === 0) throw new Error('Google Text-to-Speech answered without audioContent');
    // LINEAR16 comes back as a WAV file (with its RIFF header).
    return typeof audio === 'string' ? Buffer.from(audio, 'base64') : Buffer.from(audio);
  }

  private tts(): v1.TextToSpeechClient {
    if (!this.client) {
      this.client = new v1.TextToSpeechClient(googleClientOptions(this.env) as ConstructorParameters<typeof v1.TextToSpeechClient>[0]);
      guardGoogleFetch(this.client, this.env.GOOGLE_TIMEOUT_MS);
    }
    return this.client;
  }
}
