import { ServiceUnavailableException } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { getLogger } from '@nitro/observability';

export interface Argon2Params {
  memorySize: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

interface Job {
  id: number;
  resolve(hash: Uint8Array): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * argon2id runs in WebAssembly (hash-wasm; the native `argon2` package segfaults on this
 * machine) and takes 0.1-0.5 s of CPU per hash: on the main thread it would freeze every other
 * request and SSE stream meanwhile. The code is passed as a string so the same pool works from
 * dist/ and under jest, without a separate worker file to locate.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id } = require(workerData.hashWasm);
parentPort.on('message', async (m) => {
  try {
    const hash = await argon2id({ password: m.password, salt: Buffer.from(m.salt), memorySize: m.memorySize, iterations: m.iterations, parallelism: m.parallelism, hashLength: m.hashLength, outputType: 'binary' });
    parentPort.postMessage({ id: m.id, hash });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String((e && e.message) || e) });
  }
});
`;

export class Argon2WorkerPool {
  private readonly workers: { worker: Worker; jobs: Map<number, Job> }[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly timeoutMs = 20_000,
    private readonly maxPending = 64,
  ) {
    for (let i = 0; i < size; i++) this.workers.push(this.spawn());
  }

  hash(password: string, salt: Uint8Array, params: Argon2Params): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('password hasher is closed'));
    const slot = this.workers.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    if (slot.jobs.size >= this.maxPending) {
      return Promise.reject(new ServiceUnavailableException({ error: 'BUSY', message: 'too many sign-ins at once; retry in a few seconds' }));
    }
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        slot.jobs.delete(id);
        reject(new ServiceUnavailableException({ error: 'HASH_TIMEOUT', message: 'password hashing timed out; retry' }));
      }, this.timeoutMs);
      slot.jobs.set(id, { id, resolve, reject, timer });
      slot.worker.postMessage({ id, password, salt, ...params });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private spawn(): { worker: Worker; jobs: Map<number, Job> } {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: require.resolve('hash-wasm') } });
    worker.unref();
    const slot = { worker, jobs: new Map<number, Job>() };
    worker.on('message', (m: { id: number; hash?: Uint8Array; error?: string }) => {
      const job = slot.jobs.get(m.id);
      if (!job) return;
      slot.jobs.delete(m.id);
      clearTimeout(job.timer);
      if (m.hash) job.resolve(new Uint8Array(m.hash));
      else job.reject(new Error(`argon2id failed: ${m.error}`));
    });
    // A dead worker fails its own jobs and is replaced, so one bad input cannot stop sign-ins.
    worker.on('error', (err) => getLogger().error({ err }, 'password hash worker failed'));
    worker.on('exit', () => {
      for (const job of slot.jobs.values()) {
        clearTimeout(job.timer);
        job.reject(new ServiceUnavailableException({ error: 'HASH_WORKER_EXITED', message: 'password hashing was interrupted; retry' }));
      }
      slot.jobs.clear();
      const i = this.workers.indexOf(slot);
      if (!this.closed && i >= 0) this.workers[i] = this.spawn();
    });
    return slot;
  }
}
