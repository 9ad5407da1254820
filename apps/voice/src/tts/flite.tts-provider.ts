import { CliTtsProvider } from './cli-tts-provider';
import type { SynthesisRequest, TtsVoice } from './tts-provider.interface';

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
export class FliteTtsProvider extends CliTtsProvider {
  readonly name = 'flite' as const;

  protected async listVoices(signal?: AbortSignal): Promise<TtsVoice[]> {
    const { stdout } = await this.runner.run(this.env.FLITE_PATH, ['-lv'], { signal });
    const names = stdout.toString().replace(/^.*?:/, '').trim().split(/\s+/).filter(Boolean);
    return names.map((name) => ({ name, engine: this.name, languages: ['en-US'], ...KNOWN[name] }));
  }

  protected command(req: SynthesisRequest, textFile: string, out: string): [string, string[]] {
    const stretch = (1 / req.rate).toFixed(3);
    return [this.env.FLITE_PATH, ['-voice', req.voice.name, '--setf', `duration_stretch=${stretch}`, '-f', textFile, '-o', out]];
  }
}
