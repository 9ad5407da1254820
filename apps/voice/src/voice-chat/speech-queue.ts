import type { AudioOutputFormat, SpeechRef } from '@nitro/contracts';
import { concatWav } from '../audio/wav.util';
import type { TtsService } from '../tts/tts.service';
import type { TtsVoice } from '../tts/tts-provider.interface';
import { voiceId } from '../tts/voice-match.util';

export interface SpokenSentence extends SpeechRef {
  index: number;
  text: string;
}

/**
 * Speaks sentences one after another, in order, while the model keeps writing. The first
 * sentence picks the voice (with the usual fallback); the rest use that same voice so the answer
 * does not change speaker halfway. The first failure stops the queue and is rethrown by finish().
 */
export class SpeechQueue {
  private chain: Promise<void> = Promise.resolve();
  private failure?: unknown;
  private voice?: TtsVoice;
  private readonly wavs: Buffer[] = [];
  private queued = 0;
  private spoken = 0;

  constructor(
    private readonly tts: TtsService,
    private readonly opts: {
      voice?: string;
      rate: number;
      format: AudioOutputFormat;
      signal: AbortSignal;
      stream: boolean;
      onAudio: (s: SpokenSentence) => void;
    },
  ) {}

  get count(): number {
    return this.spoken;
  }

  add(text: string): void {
    const index = this.queued++;
    this.chain = this.chain.then(async () => {
      if (this.failure || this.opts.signal.aborted) return;
      try {
        const spec = this.voice ? voiceId(this.voice) : this.opts.voice;
        const { wav, voice } = await this.tts.synthesize(text, spec, this.opts.rate, this.opts.signal);
        this.voice ??= voice;
        if (this.opts.stream) {
          const ref = await this.tts.store(wav, this.opts.format, voice, this.opts.signal);
          this.opts.onAudio({ ...ref, index, text });
        } else {
          this.wavs.push(wav);
        }
        this.spoken++;
      } catch (err) {
        this.failure ??= err;
      }
    });
  }

  /** Waits for every queued sentence; throws the first failure. */
  async finish(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  /** Non-streaming mode: the whole answer as one file, or undefined when nothing was spoken. */
  async whole(): Promise<SpeechRef | undefined> {
    await this.finish();
    if (!this.wavs.length || !this.voice) return undefined;
    return this.tts.store(concatWav(this.wavs), this.opts.format, this.voice, this.opts.signal);
  }
}
