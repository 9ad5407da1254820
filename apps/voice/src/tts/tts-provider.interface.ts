export const TTS_ENGINES = ['google', 'flite', 'espeak'] as const;
export type TtsEngineName = (typeof TTS_ENGINES)[number];

/** DI token: the configured engines, in TTS_PROVIDERS order. */
export const TTS_PROVIDERS = Symbol('TTS_PROVIDERS');

export interface TtsVoice {
  name: string;
  engine: TtsEngineName;
  /** BCP-47 codes, most specific first. */
  languages: string[];
  gender?: string;
  sampleRate?: number;
}

export interface SynthesisRequest {
  text: string;
  voice: TtsVoice;
  /** 1 = normal speed. */
  rate: number;
  signal: AbortSignal;
}

/** One text-to-speech engine; synthesize() returns a PCM WAV. Errors make the service try the next candidate voice. */
export interface TtsProvider {
  readonly name: TtsEngineName;
  /** Why this engine cannot be used at all (names what to configure), or null. */
  unavailable(): string | null;
  /** The engine's voices (cached by the engine after the first successful listing). */
  voices(signal?: AbortSignal): Promise<TtsVoice[]>;
  synthesize(req: SynthesisRequest): Promise<Buffer>;
}
