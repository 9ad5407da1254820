import { ValidateBy } from 'class-validator';
import { OPENAI_VOICES } from '@nitro/contracts';

/** OpenAI's voice names for text-to-speech (one list: OPENAI_VOICES in the contracts). */
export const OPENAI_VOICE_NAMES = OPENAI_VOICES;

/**
 * Default OPENAI_VOICE_MAP: each OpenAI name on an offline English voice (flite's kal16, kal, awb,
 * rms, slt; espeak-ng's en-us, en-gb, en-gb-x-rp, en-gb-scotland), the brighter ones on slt.
 */
export const DEFAULT_OPENAI_VOICE_MAP =
  'alloy=flite:kal16,ash=espeak:en-us,ballad=espeak:en-gb-x-rp,coral=flite:slt,echo=flite:rms,fable=espeak:en-gb,onyx=flite:awb,nova=flite:slt,sage=espeak:en-gb-scotland,shimmer=flite:slt,verse=flite:kal,marin=flite:slt,cedar=flite:awb';

/** Our voice names as GET /voice/voices gives them: `engine:name` or a bare name (kal16, en-gb). */
const OUR_VOICE = /^[A-Za-z0-9][\w.+-]{0,63}(:[\w.+-]{1,64})?$/;

/**
 * "alloy=flite:kal16, nova=flite:slt" -> { alloy: 'flite:kal16', nova: 'flite:slt' }. Throws an Error
 * naming the first bad pair (an unknown OpenAI name, a missing `=`, a bad voice, a name twice).
 */
export function parseVoiceMap(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = item.indexOf('=');
    const [openai, ours] = eq < 0 ? [item, ''] : [item.slice(0, eq).trim().toLowerCase(), item.slice(eq + 1).trim()];
    if (eq < 0 || !ours) throw new Error(`"${item}" is not an openai=voice pair`);
    if (!(OPENAI_VOICE_NAMES as readonly string[]).includes(openai))
      throw new Error(`"${openai}" is not an OpenAI voice name (${OPENAI_VOICE_NAMES.join(', ')})`);
    if (!OUR_VOICE.test(ours)) throw new Error(`"${ours}" is not a voice name (engine:name or name, as GET /voice/voices lists them)`);
    if (openai in out) throw new Error(`"${openai}" is mapped twice`);
    out[openai] = ours;
  }
  return out;
}

/** Validates a variable holding `openai=ours` pairs; the message says what is wrong and how pairs look. */
export function VoiceMap(): PropertyDecorator {
  let problem = '';
  return ValidateBy({
    name: 'voiceMap',
    validator: {
      validate: (value: unknown) => {
        try {
          parseVoiceMap(String(value));
          return true;
        } catch (e) {
          problem = (e as Error).message;
          return false;
        }
      },
      defaultMessage: () => `must be comma-separated openai=voice pairs (alloy=flite:kal16,nova=flite:slt): ${problem}`,
    },
  });
}
