import { argon2id } from 'hash-wasm';
import { Argon2WorkerPool } from './argon2-worker.pool';

const FAST = { memorySize: 64, iterations: 1, parallelism: 1, hashLength: 16 };
// 256 MiB x 10 passes: seconds of work, far past the 1 s budget used below (FAST takes milliseconds).
const SLOW = { memorySize: 262_144, iterations: 10, parallelism: 1, hashLength: 16 };
const salt = new Uint8Array(16).fill(7);
const codeOf = (err: unknown) => (err as { getResponse?: () => { error: string } }).getResponse?.().error;

describe('Argon2WorkerPool (piscina)', () => {
  it('hashes in a worker thread exactly as hash-wasm does on the main thread', async () => {
    const pool = new Argon2WorkerPool(1);
    try {
      const expected = await argon2id({ password: 'pw', salt, ...FAST, outputType: 'binary' });
      expect(Buffer.from(await pool.hash('pw', salt, FAST))).toEqual(Buffer.from(expected));
    } finally {
      await pool.close();
    }
  });

  it('answers HASH_TIMEOUT past its budget, then keeps hashing on a fresh thread', async () => {
    const pool = new Argon2WorkerPool(1, 1_000);
    try {
      await expect(pool.hash('pw', salt, SLOW).catch(codeOf)).resolves.toBe('HASH_TIMEOUT');
      expect((await pool.hash('pw', salt, FAST)).length).toBe(16);
    } finally {
      await pool.close();
    }
  });

  it('answers HASH_WORKER_EXITED when the thread dies mid-hash, and BUSY past the queue limit', async () => {
    const pool = new Argon2WorkerPool(1, 20_000, 1);
    try {
      // A thread already up takes the slow hash at once. Threads start on demand: under load the first one could still be
      // starting 100 ms later, and terminating it before the hash reached it only starts another (seen on a busy machine).
      expect((await pool.hash('pw', salt, FAST)).length).toBe(16);
      const running = pool.hash('pw', salt, SLOW).catch(codeOf);
      await expect(pool.hash('pw', salt, FAST).catch(codeOf)).resolves.toBe('BUSY');
      const threads = (pool as unknown as { pool: { threads: { terminate(): Promise<number> }[] } }).pool.threads;
      await new Promise((r) => setTimeout(r, 100));
      await threads[0].terminate();
      await expect(running).resolves.toBe('HASH_WORKER_EXITED');
      expect((await pool.hash('pw', salt, FAST)).length).toBe(16);
    } finally {
      await pool.close();
    }
  });
});
