import { CliTtsProvider } from './cli-tts-provider';
import type { SynthesisRequest, TtsVoice } from './tts-provider.interface';

/** espeak-ng's default speed, words per minute. */
const BASE_WPM = 175;

/**
 * Parses `espeak-ng --voices`: "Pty Language Age/Gender VoiceName File Other". Voices whose file
 * is an mbrola one (mb/...) need extra packages and are left out; one voice per language code.
 */
export function parseEspeakVoices(listing: string): TtsVoice[] {
  const seen = new Set<string>();
  const voices: TtsVoice[] = [];
  for (const line of listing.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, language, ageGender, , file] = cols;
    if (file.startsWith('mb/') || seen.has(language)) continue;
    seen.add(language);
    const g = ageGender.split('/')[1];
    voices.push({
      name: language,
      engine: 'espeak',
      languages: [language],
      gender: g === 'M' ? 'male' : g === 'F' ? 'female' : undefined,
      sampleRate: 22050,
    });
  }
  return voices;
}

/** Offline voices in about a hundred languages from espeak-ng (Debian espeak-ng). */
export class EspeakTtsProvider extends CliTtsProvider {
  readonly name = 'espeak' as const;

  protected async listVoices(signal?: AbortSignal): Promise<TtsVoice[]> {
    const { stdout } = await this.runner.run(this.env.ESPEAK_PATH, ['--voices'], { signal });
    return parseEspeakVoices(stdout.toString());
  }

  protected command(req: SynthesisRequest, textFile: string, out: string): [string, string[]] {
    return [this.env.ESPEAK_PATH, ['-v', req.voice.name, '-s', String(Math.round(BASE_WPM * req.rate)), '-w', out, '-f', textFile]];
  }
}
