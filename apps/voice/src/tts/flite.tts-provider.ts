import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VoiceEnv } from '@nitro/config';
import { EngineRunner } from '../audio/engine-runner.service';
import { withTempDir } from '../audio/temp-dir.util';
import type { SynthesisRequest, TtsProvider, TtsVoice } from './tts-provider.interface';

/** What `flite -lv` does not say about its built-in voices. */
const KNOWN: Record<string, Partial<TtsVoice>> = {
  kal: { gender: 'male', sampleRate: 8000 },
  kal16: { gender: 'male', sampleRate: 16000 },
  awb: { gender: 'male', sampleRate: 16000, languages: ['en-GB'] },
  awb_time: { gender: 'male', sampleRate: 16000, languages: ['en-GB'] },
  rms: { gender: 'male', sampleRate: 16000 },
  slt: { gender: 'female', sampleRate: 16000 },
};

/** Offline English voices from CMU flite (Debian flite); kal16 is 16 kHz, which pocketsphinx reads well. */
export class FliteTtsProvider implements TtsProvider {
  readonly name = 'flite' as const;
  private cached?: TtsVoice[];

  constructor(
    private readonly env: VoiceEnv,
    private readonly runner: EngineRunner,
  ) {}

  unavailable(): string | null {
    return null;
  }

  async voices(signal?: AbortSignal): Promise<TtsVoice[]> {
    if (this.cached) return this.cached;
    const { stdout } = await this.runner.run(this.env.FLITE_PATH, ['-lv'], { signal });
    const names = stdout.toString().replace(/^.*?:/, '').trim().split(/\s+/).filter(Boolean);
    this.cached = names.map((name) => ({ name, engine: this.name, languages: ['en-US'], ...KNOWN[name] }));
    return this.cached;
  }

  synthesize(req: SynthesisRequest): Promise<Buffer> {
    // Text goes through a file: never parsed as an option, whatever it starts with, and no argv length limit.
    return withTempDir(async (dir) => {
      const textFile = join(dir, 'text.txt');
      const out = join(dir, 'speech.wav');
      await writeFile(textFile, req.text);
      const stretch = (1 / req.rate).toFixed(3);
      await this.runner.run(this.env.FLITE_PATH, ['-voice', req.voice.name, '--setf', `duration_stretch=${stretch}`, '-f', textFile, '-o', out], { signal: req.signal });
      return readFile(out);
    });
  }
}
