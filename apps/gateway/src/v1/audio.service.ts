import { Injectable } from '@nestjs/common';
import { GatewayEnv, parseVoiceMap } from '@nitro/config';
import {
  OPENAI_STT_MODELS,
  OPENAI_TTS_MODELS,
  OPENAI_VOICES,
  type SpeechRequestDto,
  type TranscriptionFieldsDto,
  type TranscriptionDto,
} from '@nitro/contracts';
import type { AuthUser } from '../auth/auth-user';
import { VoiceService } from '../voice/voice.service';
import type { VoiceUpload } from '../voice/voice-upload.reader';
import { invalid } from './chat-messages.util';

/** Our text-to-speech engines, accepted as `model` (voice names may then omit the engine). */
const TTS_ENGINES = ['flite', 'espeak', 'google'];
const STT_ENGINES = ['pocketsphinx', 'whisper', 'google'];
const FORMAT = { mp3: 'mp3', wav: 'wav', opus: 'ogg' } as const;

/**
 * /v1/audio/* at the edge: OpenAI's model and voice names mapped to the configured engines and voices
 * (OPENAI_VOICE_MAP), then the voice service as on the native routes (same limits, same cancellation
 * when the client leaves).
 */
@Injectable()
export class AudioService {
  /** OpenAI voice name -> ours; validated at start (GatewayEnv), so parsing cannot fail here. */
  private readonly voiceMap: Record<string, string>;

  constructor(
    private readonly voice: VoiceService,
    env: GatewayEnv,
  ) {
    this.voiceMap = parseVoiceMap(env.OPENAI_VOICE_MAP);
  }

  async speech(user: AuthUser, dto: SpeechRequestDto, signal: AbortSignal) {
    const engine = this.ttsEngine(dto.model);
    const voice = voiceFor(dto.voice, engine, this.voiceMap);
    return this.voice.speak(user, { text: dto.input, voice, rate: dto.speed, format: FORMAT[dto.response_format ?? 'mp3'] }, signal);
  }

  async transcription(
    user: AuthUser,
    upload: VoiceUpload<TranscriptionFieldsDto>,
    signal: AbortSignal,
  ): Promise<{ text: string } | string | Record<string, unknown>> {
    const { model, language, response_format } = upload.fields;
    if (!(OPENAI_STT_MODELS as readonly string[]).includes(model) && !STT_ENGINES.includes(model)) {
      throw invalid(
        'model',
        `model must be one of: ${[...OPENAI_STT_MODELS, ...STT_ENGINES].join(', ')} (each uses the configured speech-to-text engines)`,
      );
    }
    const result: TranscriptionDto = await this.voice.transcribe(
      user,
      { fields: { language: languageOf(language) }, file: upload.file },
      signal,
    );
    if (response_format === 'text') return result.text;
    if (response_format === 'verbose_json') {
      return {
        task: 'transcribe',
        language: result.language,
        duration: result.duration,
        text: result.text,
        words: (result.words ?? []).map((w) => ({ word: w.word, start: w.start, end: w.end })),
        segments: [],
      };
    }
    return { text: result.text };
  }

  private ttsEngine(model: string): string | undefined {
    if ((OPENAI_TTS_MODELS as readonly string[]).includes(model)) return undefined;
    if (TTS_ENGINES.includes(model)) return model;
    throw invalid('model', `model must be one of: ${[...OPENAI_TTS_MODELS, ...TTS_ENGINES].join(', ')}`);
  }
}

/**
 * OpenAI's voice names go through OPENAI_VOICE_MAP (a name left out there, or mapped to another
 * engine than the one named as model, uses the default voice); ours pass through (prefixed with the
 * engine named as model).
 */
export function voiceFor(voice: string, engine: string | undefined, map: Record<string, string>): string | undefined {
  const name = voice.toLowerCase();
  if ((OPENAI_VOICES as readonly string[]).includes(name)) {
    const ours = map[name];
    if (!ours || (engine && ours.includes(':') && !ours.startsWith(`${engine}:`))) return undefined;
    return engine && !ours.includes(':') ? `${engine}:${ours}` : ours;
  }
  return engine && !voice.includes(':') ? `${engine}:${voice}` : voice;
}

/** OpenAI sends ISO-639-1 ("en"); our engines take BCP-47, where "en" is valid too. */
function languageOf(language: string | undefined): string | undefined {
  return language || undefined;
}
