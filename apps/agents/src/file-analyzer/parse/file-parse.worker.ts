import { ServiceError } from '@nitro/service-kit';
import { describeFile } from './file-describe.util';
import type { ParseOutcome, ParseTask } from './file-parse.types';

/**
 * Entry of a file-parse worker thread (piscina calls its default export with a ParseTask): PDF text,
 * large CSV and JSON are parsed here, never on the agents service's event loop. A reader's refusal
 * (encrypted PDF, unreadable image) comes back as data: custom error fields do not survive the thread.
 */
export default async function parseInWorker(task: ParseTask): Promise<ParseOutcome> {
  try {
    return { ok: true, result: await describeFile(task) };
  } catch (err) {
    if (err instanceof ServiceError) return { ok: false, status: err.status, code: err.code, message: err.message };
    throw err;
  }
}
