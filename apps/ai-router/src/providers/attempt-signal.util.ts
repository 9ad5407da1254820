import { Deadline } from '@nitro/service-kit';

/**
 * The AbortSignal for one provider attempt: aborted when the caller's signal aborts or when the
 * provider stays silent for `timeoutMs`. `touch()` restarts the timer, so a stream is timed on the
 * gap between chunks (a long answer that keeps flowing is not cut) and generate() on the whole call.
 * The house's one deadline (service-kit's Deadline) under the router's name for it.
 */
export class AttemptSignal extends Deadline {
  constructor(timeoutMs: number, parent?: AbortSignal) {
    super(timeoutMs, parent);
  }
}
