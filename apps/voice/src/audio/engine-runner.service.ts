import { Injectable } from '@nestjs/common';
import { VoiceEnv } from '@nitro/config';
import { EngineSlots } from './engine-slots';
import { ProcessError, runProcess, type RunOptions, type RunResult } from './process-runner';
import { voiceMetrics } from '../voice.metrics';

export type EngineRunOptions = Omit<RunOptions, 'timeoutMs'> & { timeoutMs?: number };

/** Every engine process of the service goes through here: a slot, a kill timer, a metric. */
@Injectable()
export class EngineRunner {
  private readonly slots: EngineSlots;

  constructor(private readonly env: VoiceEnv) {
    this.slots = new EngineSlots(env.ENGINE_CONCURRENCY);
  }

  get load(): { busy: number; queued: number } {
    return { busy: this.slots.busy, queued: this.slots.queued };
  }

  async run(command: string, args: string[], opts: EngineRunOptions = {}): Promise<RunResult> {
    const release = await this.slots.acquire(opts.signal);
    const name = command.split('/').pop() ?? command;
    const end = voiceMetrics.process().startTimer({ command: name });
    try {
      const result = await runProcess(command, args, { ...opts, timeoutMs: opts.timeoutMs ?? this.env.PROCESS_TIMEOUT_MS });
      end({ outcome: 'ok' });
      return result;
    } catch (err) {
      end({ outcome: err instanceof ProcessError ? err.kind : 'failed' });
      throw err;
    } finally {
      release();
    }
  }
}
