import type { WordTimingDto } from '@nitro/contracts';

export const STT_ENGINES = ['whisper', 'google', 'pocketsphinx'] as const;
export type SttEngineName = (typeof STT_ENGINES)[number];

/** DI token: the configured engines, in STT_PROVIDERS order. */
export const STT_PROVIDERS = Symbol('STT_PROVIDERS');

export interface SttRequest {
  /** 16 kHz mono 16-bit PCM WAV. */
  wav: Buffer;
  /** The same WAV on disk, for engines that read files. */
  wavPath: string;
  duration: number;
  /** BCP-47, e.g. en-US. */
  language: string;
  signal: AbortSignal;
}

export interface SttOutput {
  text: string;
  language: string;
  words?: WordTimingDto[];
  confidence?: number;
}

/** One speech-to-text engine. Errors thrown by transcribe() make the service try the next engine. */
export interface SttProvider {
  readonly name: SttEngineName;
  /** Why this engine cannot be used at all (names what to configure), or null. */
  unavailable(): string | null;
  /** Why this engine cannot take this request (language, length), or null. */
  unsuitable(req: Pick<SttRequest, 'language' | 'duration'>): string | null;
  transcribe(req: SttRequest): Promise<SttOutput>;
}

/** True for English in any region: the only language the pocketsphinx-en-us model knows. */
export const isEnglish = (language: string): boolean => /^en(-|$)/i.test(language);
