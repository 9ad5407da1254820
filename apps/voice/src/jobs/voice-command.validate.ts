import { AUDIO_OUTPUT_FORMATS, ERROR_CODES, ID_MESSAGE, ID_PATTERN, LANGUAGE_PATTERN, VOICE_NAME_PATTERN } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/;

const bad = (message: string) => new ServiceError(400, ERROR_CODES.validation, message);

/**
 * The gateway validates requests with the contract DTOs; these checks repeat what the voice
 * service relies on, for any other caller on the transport (a bad field is a 400, never a crash).
 */
export function validateVoiceCommand(cmd: unknown): asserts cmd is Record<string, unknown> & { job_id: string } {
  if (!cmd || typeof cmd !== 'object') throw bad('command must be an object');
  const c = cmd as Record<string, unknown>;
  if (typeof c.job_id !== 'string' || !JOB_ID.test(c.job_id)) throw bad('job_id must be 8-64 characters: letters, digits, "-" or "_"');
  if (c.language !== undefined && (typeof c.language !== 'string' || !LANGUAGE_PATTERN.test(c.language))) throw bad('language must be a BCP-47 code such as en-US');
  if (c.voice !== undefined && (typeof c.voice !== 'string' || !VOICE_NAME_PATTERN.test(c.voice))) throw bad('voice must be a voice name such as kal16, espeak:de or en-US');
  if (c.format !== undefined && !(AUDIO_OUTPUT_FORMATS as readonly unknown[]).includes(c.format)) throw bad(`format must be one of: ${AUDIO_OUTPUT_FORMATS.join(', ')}`);
  if (c.rate !== undefined && (typeof c.rate !== 'number' || !(c.rate >= 0.5 && c.rate <= 2))) throw bad('rate must be a number from 0.5 to 2');
  if (c.user_id !== undefined && (typeof c.user_id !== 'string' || !ID_PATTERN.test(c.user_id))) throw bad(`user_id ${ID_MESSAGE}`);
  if (c.session_id !== undefined && (typeof c.session_id !== 'string' || !ID_PATTERN.test(c.session_id))) throw bad(`session_id ${ID_MESSAGE}`);
  if (c.max_tokens !== undefined && (!Number.isInteger(c.max_tokens) || (c.max_tokens as number) < 1 || (c.max_tokens as number) > 8192)) throw bad('max_tokens must be a whole number from 1 to 8192');
}
