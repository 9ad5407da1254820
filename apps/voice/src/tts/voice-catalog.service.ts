import { Inject, Injectable } from '@nestjs/common';
import { ERROR_CODES, type EngineFallbackDto, type VoiceListDto } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import { processToServiceError } from '../audio/engine-error.util';
import { ProcessError } from '../audio/process-runner';
import { TTS_PROVIDERS, type TtsProvider, type TtsVoice } from './tts-provider.interface';
import { matchVoices, splitVoiceSpec, voiceId, type EngineVoices } from './voice-match.util';

/** An engine whose voice listing failed is not asked again for this long (a down API must not slow every request). */
const LIST_RETRY_MS = 30_000;

/** The voices of every configured engine, and which of them can speak a requested voice. */
@Injectable()
export class VoiceCatalog {
  private readonly failed = new Map<string, { until: number; reason: string; timedOut: boolean }>();

  constructor(
    private readonly env: VoiceEnv,
    @Inject(TTS_PROVIDERS) private readonly providers: TtsProvider[],
  ) {}

  provider(engine: string): TtsProvider | undefined {
    return this.providers.find((p) => p.name === engine);
  }

  async list(signal?: AbortSignal): Promise<VoiceListDto> {
    const { engines, unavailable } = await this.engines(signal);
    const defaults = matchVoices(this.env.TTS_DEFAULT_VOICE, engines);
    const defaultId = defaults[0] ? voiceId(defaults[0]) : this.env.TTS_DEFAULT_VOICE;
    const voices = engines.flatMap((e) =>
      e.voices.map((v) => ({
        id: voiceId(v),
        name: v.name,
        engine: v.engine,
        languages: v.languages,
        gender: v.gender,
        sample_rate: v.sampleRate,
        ...(voiceId(v) === defaultId ? { default: true } : {}),
      })),
    );
    return { default_voice: defaultId, voices, ...(unavailable.length ? { unavailable } : {}) };
  }

  /**
   * Voices to try for a request, in order. With no voice asked for: the default voice, then an
   * English voice of each other engine, so a broken default engine falls back like chat does.
   */
  async candidates(requested: string | undefined, signal?: AbortSignal): Promise<{ voices: TtsVoice[]; skipped: EngineFallbackDto[] }> {
    const { engines, unavailable } = await this.engines(signal);
    const spec = requested ?? this.env.TTS_DEFAULT_VOICE;
    let voices = matchVoices(spec, engines);
    if (!requested) {
      const more = matchVoices('en', engines).filter((v) => !voices.some((c) => c.engine === v.engine));
      voices = [...voices, ...more];
    }
    if (voices.length === 0) {
      const pinned = unavailable.find((u) => u.engine === splitVoiceSpec(spec).engine);
      if (pinned) {
        // A wedged engine hangs on listing its voices too: that is a timeout, not a missing engine.
        const [status, code] = this.failed.get(pinned.engine)?.timedOut ? [504, ERROR_CODES.timeout] : [503, ERROR_CODES.noProvider];
        throw new ServiceError(status, code, `voice "${spec}" cannot be used now: ${pinned.engine}: ${pinned.reason}`, {
          fallbacks: [pinned],
        });
      }
      const failed = unavailable.filter((u) => !u.reason.startsWith('not configured'));
      const why = failed.length ? ` (could not list: ${failed.map((u) => `${u.engine}: ${u.reason}`).join('; ')})` : '';
      throw new ServiceError(400, 'UNKNOWN_VOICE', `voice "${spec}" is not available: GET /voice/voices lists the voices${why}`);
    }
    return { voices, skipped: unavailable };
  }

  private async engines(signal?: AbortSignal): Promise<{ engines: EngineVoices[]; unavailable: EngineFallbackDto[] }> {
    const unavailable: EngineFallbackDto[] = [];
    const results = await Promise.all(
      this.providers.map(async (p): Promise<EngineVoices | undefined> => {
        const why = p.unavailable();
        if (why) {
          unavailable.push({ engine: p.name, reason: why });
          return undefined;
        }
        const recent = this.failed.get(p.name);
        if (recent && recent.until > Date.now()) {
          unavailable.push({ engine: p.name, reason: recent.reason });
          return undefined;
        }
        try {
          return { engine: p.name, voices: await p.voices(signal) };
        } catch (err) {
          const reason =
            err instanceof ProcessError ? processToServiceError(err, `listing ${p.name} voices`).message : (err as Error).message;
          if (!signal?.aborted)
            this.failed.set(p.name, {
              until: Date.now() + LIST_RETRY_MS,
              reason,
              timedOut: err instanceof ProcessError && err.kind === 'timeout',
            });
          unavailable.push({ engine: p.name, reason });
          return undefined;
        }
      }),
    );
    const order = (engine: string) => this.providers.findIndex((p) => p.name === engine);
    unavailable.sort((a, b) => order(a.engine) - order(b.engine));
    return { engines: results.filter((e): e is EngineVoices => !!e), unavailable };
  }
}
