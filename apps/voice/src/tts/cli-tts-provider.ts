import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VoiceEnv } from '@nitro/config';
import { EngineRunner } from '../audio/engine-runner.service';
import { withTempDir } from '../audio/temp-dir.util';
import type { SynthesisRequest, TtsProvider, TtsVoice } from './tts-provider.interface';

/**
 * An offline speech engine run as a command (flite, espeak-ng): always available, its voice list
 * read once and cached, and text handed over through a file (never parsed as an option, whatever
 * it starts with, and no argv length limit). Subclasses say how to list voices and what to run.
 */
export abstract class CliTtsProvider implements TtsProvider {
  abstract readonly name: TtsProvider['name'];
  private cached?: TtsVoice[];

  constructor(
    protected readonly env: VoiceEnv,
    protected readonly runner: EngineRunner,
  ) {}

  unavailable(): string | null {
    return null;
  }

  async voices(signal?: AbortSignal): Promise<TtsVoice[]> {
    this.cached ??= await this.listVoices(signal);
    return this.cached;
  }

  synthesize(req: SynthesisRequest): Promise<Buffer> {
    return withTempDir(async (dir) => {
      const textFile = join(dir, 'text.txt');
      const out = join(dir, 'speech.wav');
      await writeFile(textFile, req.text);
      const [command, args] = this.command(req, textFile, out);
      await this.runner.run(command, args, { signal: req.signal });
      return readFile(out);
    });
  }

  /** The engine's voices, asked once. */
  protected abstract listVoices(signal?: AbortSignal): Promise<TtsVoice[]>;

  /** The command line that reads `textFile` and writes a WAV to `out`. */
  protected abstract command(req: SynthesisRequest, textFile: string, out: string): [string, string[]];
}
