import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { ProcessError } from './process-runner';

/** Debian package that provides each command, for a 503 that says what to install. */
const PACKAGES: Record<string, string> = {
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
  flite: 'flite',
  'espeak-ng': 'espeak-ng',
  pocketsphinx_continuous: 'pocketsphinx pocketsphinx-en-us',
};

/**
 * A process failure as the caller should see it: a hang is a timeout (504), a missing engine says
 * what to install (503), a cancelled job is 499 (nobody is listening any more).
 */
export function processToServiceError(err: unknown, what: string): ServiceError {
  if (err instanceof ServiceError) return err;
  if (!(err instanceof ProcessError))
    return new ServiceError(500, ERROR_CODES.internal, `${what} failed: ${(err as Error)?.message ?? err}`);
  const name = err.command.split('/').pop() ?? err.command;
  switch (err.kind) {
    case 'timeout':
      return new ServiceError(504, ERROR_CODES.timeout, `${what} timed out: ${err.message}`);
    case 'aborted':
      return new ServiceError(499, 'CANCELLED', `${what} was cancelled`);
    case 'missing':
      return new ServiceError(
        503,
        'ENGINE_MISSING',
        `${what} is unavailable: ${name} is not installed (Debian: apt-get install ${PACKAGES[name] ?? name}, or scripts/install-system-deps.sh)`,
      );
    default:
      return new ServiceError(502, 'ENGINE_FAILED', `${what} failed: ${err.message}`);
  }
}
