import { VoiceEnv } from '@nitro/config';
import { EngineRunner } from '../audio/engine-runner.service';
import { isEnglish, type SttOutput, type SttProvider, type SttRequest } from './stt-provider.interface';
import { parsePocketsphinxOutput } from './pocketsphinx-output.parser';

/** Offline recognition with CMU pocketsphinx (Debian pocketsphinx + pocketsphinx-en-us): English, 16 kHz mono. */
export class PocketsphinxSttProvider implements SttProvider {
  readonly name = 'pocketsphinx' as const;

  constructor(
    private readonly env: VoiceEnv,
    private readonly runner: EngineRunner,
  ) {}

  unavailable(): string | null {
    return null;
  }

  unsuitable(req: Pick<SttRequest, 'language'>): string | null {
    return isEnglish(req.language) ? null : `only English is installed (pocketsphinx-en-us), not ${req.language}`;
  }

  async transcribe(req: SttRequest): Promise<SttOutput> {
    // Recognition takes time in proportion to the audio: the kill timer grows with it.
    const timeoutMs = this.env.PROCESS_TIMEOUT_MS + Math.ceil(req.duration * 1000);
    const { stdout } = await this.runner.run(this.env.POCKETSPHINX_PATH, ['-infile', req.wavPath, '-logfn', '/dev/null', '-time', 'yes'], {
      signal: req.signal,
      timeoutMs,
    });
    const parsed = parsePocketsphinxOutput(stdout.toString());
    return { text: parsed.text, language: 'en-US', words: parsed.words, confidence: parsed.confidence };
  }
}
