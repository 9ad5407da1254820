import { ServiceUnavailableException } from '@nestjs/common';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { ERROR_CODE } from '@nitro/contracts';
import { getLogger } from '@nitro/observability';

export interface Argon2Params {
  memorySize: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

/** ms a hashing thread stays without work before it ends (and its memory is returned). */
const IDLE_THREAD_MS = 60_000;

type Outcome = { hash: Uint8Array } | { error: string };

/**
 * argon2id runs in WebAssembly (hash-wasm; the native `argon2` package segfaults on this
 * machine) and takes 0.1-0.5 s of CPU per hash: on the main thread it would freeze every other
 * request and SSE stream meanwhile. piscina (ADR 0007) runs up to `size` threads, hands each hash to
 * an idle one, and replaces a thread that died. A hash past `timeoutMs` is aborted: its thread is
 * terminated (WebAssembly cannot be interrupted otherwise) and a fresh one takes its place.
 * Threads start on the first hash and end after IDLE_THREAD_MS without one: an idle thread holds its
 * own V8 heap plus argon2's WebAssembly memory (19 MiB, ARGON2_PARAMS; never returned), about
 * 10-20 MB of the gateway's RSS each, for sign-ins that are rare next to chat requests. Starting one
 * adds ~30 ms to the first sign-in after a quiet minute.
 */
export class Argon2WorkerPool {
  private readonly pool: Piscina;
  /** Hashes running or waiting; the limit is ours because piscina's maxQueue is soft while threads start. */
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly timeoutMs = 20_000,
    private readonly maxPending = 64,
  ) {
    this.pool = new Piscina({
      filename: join(__dirname, 'argon2.worker.js'),
      minThreads: 0,
      maxThreads: size,
      idleTimeout: IDLE_THREAD_MS,
    });
  }

  async hash(password: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
    if (this.closed) throw new Error('password hasher is closed');
    if (this.inFlight >= this.size * this.maxPending) {
      throw new ServiceUnavailableException({ error: ERROR_CODE.BUSY, message: 'too many sign-ins at once; retry in a few seconds' });
    }
    this.inFlight++;
    let outcome: Outcome;
    try {
      outcome = await this.pool.run({ password, salt, ...params }, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') {
        throw new ServiceUnavailableException({ error: ERROR_CODE.HASH_TIMEOUT, message: 'password hashing timed out; retry' });
      }
      getLogger().error({ err }, 'password hash worker failed');
      throw new ServiceUnavailableException({ error: ERROR_CODE.HASH_WORKER_EXITED, message: 'password hashing was interrupted; retry' });
    } finally {
      this.inFlight--;
    }
    if ('error' in outcome) throw new Error(`argon2id failed: ${outcome.error}`);
    return new Uint8Array(outcome.hash);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.destroy();
  }
}
