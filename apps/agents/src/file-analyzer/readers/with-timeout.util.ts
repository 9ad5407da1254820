import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

/** Rejects with a 422 naming what took too long; `onTimeout` releases what the work holds. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new ServiceError(422, ERROR_CODES.timeout, `${what} did not finish within ${ms} ms (FILE_PARSE_TIMEOUT_MS)`));
    }, ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
