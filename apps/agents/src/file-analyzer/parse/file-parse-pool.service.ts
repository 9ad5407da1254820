import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { AgentsEnv } from '@nitro/config';
import { ERROR_CODES } from '@nitro/contracts';
import { getLogger, histogram } from '@nitro/observability';
import { ServiceError } from '@nitro/service-kit';
import type { ParseOutcome, ParseResult, ParseTask } from './file-parse.types';

const seconds = histogram('nitro_agents_file_parse_seconds', 'File parsing in a worker, queue wait included', ['kind', 'outcome']);

// From dist/ the compiled worker; from the sources (jest) the .ts through an swc require hook.
const FROM_SOURCE = __filename.endsWith('.ts');
const WORKER = join(__dirname, `file-parse.worker.${FROM_SOURCE ? 'ts' : 'js'}`);
const EXEC_ARGV = FROM_SOURCE ? ['--require', join(__dirname, 'ts-worker-hook.js')] : [];

/**
 * Worker threads for analyze_file's parsing (issue 14: one large PDF/CSV/JSON parse blocked the event loop,
 * so heartbeats stopped and every agents call failed "no live replica"). At most FILE_PARSE_WORKERS parse at
 * once; a parse still running after FILE_PARSE_TIMEOUT_MS (queue wait included) is aborted — piscina
 * terminates that thread — and answered 422 TIMEOUT.
 */
@Injectable()
export class FileParsePool implements OnModuleDestroy {
  private readonly pool: Piscina;

  constructor(private readonly env: AgentsEnv) {
    this.pool = new Piscina({
      filename: WORKER,
      execArgv: EXEC_ARGV,
      minThreads: 0,
      maxThreads: env.FILE_PARSE_WORKERS,
      idleTimeout: 60_000,
    });
  }

  async parse(bytes: Buffer): Promise<ParseResult> {
    const limit = this.env.FILE_PARSE_TIMEOUT_MS;
    // A copy the worker owns (a Buffer may be a view on Node's shared pool): transferred, not cloned.
    const own = new Uint8Array(bytes);
    const task: ParseTask = { bytes: own, pdfMaxPages: this.env.PDF_MAX_PAGES, timeoutMs: limit };
    const stop = seconds.startTimer();
    try {
      const outcome = (await this.pool.run(task, { transferList: [own.buffer], signal: AbortSignal.timeout(limit) })) as ParseOutcome;
      if (!outcome.ok) throw new ServiceError(outcome.status, outcome.code, outcome.message);
      stop({ kind: outcome.result.type.kind, outcome: 'ok' });
      return outcome.result;
    } catch (err) {
      stop({ kind: 'unknown', outcome: 'error' });
      if (err instanceof ServiceError) throw err;
      if ((err as Error)?.name === 'AbortError')
        throw new ServiceError(
          422,
          ERROR_CODES.timeout,
          `parsing the file did not finish within ${limit} ms (FILE_PARSE_TIMEOUT_MS, queue wait included)`,
        );
      getLogger().error({ err }, 'file parse worker failed');
      throw new ServiceError(503, ERROR_CODES.internal, 'the file parse worker stopped unexpectedly; retry');
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}
