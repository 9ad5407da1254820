import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { AgentsEnv } from '@nitro/config';
import { ERROR_CODES } from '@nitro/contracts';
import { getLogger, histogram } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import type { ReviewResult, ReviewTask } from './review.types';
import { ruleSetsFrom } from './rule-sets.util';

const seconds = histogram('nitro_agents_review_seconds', 'Code review in a worker, queue wait included', ['language', 'outcome']);

// From dist/ the compiled review.worker.js; from the sources (jest) the .ts through a swc require hook.
const FROM_SOURCE = __filename.endsWith('.ts');
const WORKER = join(__dirname, `review.worker.${FROM_SOURCE ? 'ts' : 'js'}`);
const EXEC_ARGV = FROM_SOURCE ? ['--require', join(__dirname, 'ts-worker-hook.js')] : [];

/**
 * The worker pool that runs reviews (Ruff, ESLint, secretlint, tree-sitter) off the event loop,
 * so a burst of large reviews cannot stall transport heartbeats or /agent/list. At most
 * CODE_REVIEW_WORKERS run at once, CODE_REVIEW_MAX_QUEUE wait (more is a 503 BUSY), and a review still
 * running after CODE_REVIEW_TIMEOUT_MS is aborted: piscina terminates its worker and starts a new one.
 */
@Injectable()
export class ReviewPool implements OnModuleInit, OnModuleDestroy {
  private readonly pool: Piscina;
  /** Reviews running or waiting; counted here because piscina's maxQueue is soft while workers start. */
  private inFlight = 0;

  constructor(private readonly env: AgentsEnv) {
    this.pool = new Piscina({
      filename: WORKER,
      execArgv: EXEC_ARGV,
      // One worker stays (about 240 MB with the engines). Ending idle workers was tried (issue 17): the process
      // kept their memory anyway (RSS 390-530 MB after reviews), and cold starts under load stalled the event loop.
      minThreads: 1,
      maxThreads: env.CODE_REVIEW_WORKERS,
      idleTimeout: 5 * 60_000,
    });
  }

  /**
   * Runs one review. Errors: 422 TIMEOUT past CODE_REVIEW_TIMEOUT_MS (or the parse timeout),
   * 503 BUSY when the queue is full, 503 INTERNAL when a worker died (e.g. out of memory).
   */
  async review(task: ReviewTask): Promise<ReviewResult> {
    if (this.inFlight >= this.env.CODE_REVIEW_WORKERS + this.env.CODE_REVIEW_MAX_QUEUE) {
      throw new ServiceError(
        503,
        'BUSY',
        `too many code reviews at once (${this.env.CODE_REVIEW_MAX_QUEUE} waiting, CODE_REVIEW_MAX_QUEUE); retry in a few seconds`,
      );
    }
    const stop = seconds.startTimer({ language: task.language });
    const limit = this.env.CODE_REVIEW_TIMEOUT_MS;
    this.inFlight++;
    try {
      const outcome = await this.pool.run(task, { signal: AbortSignal.timeout(limit) });
      if (!outcome.ok) throw new ServiceError(outcome.status, outcome.code, outcome.message);
      stop({ outcome: 'ok' });
      return outcome;
    } catch (err) {
      stop({ outcome: 'error' });
      if (err instanceof ServiceError) throw err;
      const e = err as Error;
      if (e?.name === 'AbortError') {
        throw new ServiceError(
          422,
          ERROR_CODES.timeout,
          `the review did not finish within ${limit} ms (CODE_REVIEW_TIMEOUT_MS, queue wait included); send a smaller file or retry later`,
        );
      }
      getLogger().error({ err }, 'code review worker failed');
      throw new ServiceError(503, ERROR_CODES.internal, 'the code review worker stopped unexpectedly; retry');
    } finally {
      this.inFlight--;
    }
  }

  /** Queue and thread counts, for the bench and for tests. */
  stats(): { threads: number; in_flight: number; completed: number } {
    return { threads: this.pool.threads.length, in_flight: this.inFlight, completed: this.pool.completed };
  }

  /**
   * Loads the engines in one worker and checks the configured rule sets once (an unknown Ruff
   * selector only shows when Ruff reads it): the service refuses to start naming the variable.
   */
  async onModuleInit(): Promise<void> {
    const rules = ruleSetsFrom(this.env);
    const thresholds = { maxFunctionLines: 50, maxNesting: 4, maxComplexity: 10, maxParams: 5 };
    const python = await this.review({ code: 'x = 1\n', language: 'python', thresholds, parseTimeoutMs: 5_000, rules });
    const ruff = python.engines.find((e) => e.engine === 'ruff');
    if (!ruff?.ran) throw new Error(`RUFF_SELECT/RUFF_IGNORE rejected by Ruff: ${ruff?.reason ?? 'ruff did not run'}`);
    const ts = await this.review({ code: 'export const x = 1;\n', language: 'typescript', thresholds, parseTimeoutMs: 5_000, rules });
    const eslint = ts.engines.find((e) => e.engine === 'eslint');
    if (!eslint?.ran) throw new Error(`ESLINT_* rule sets rejected by ESLint: ${eslint?.reason ?? 'eslint did not run'}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
