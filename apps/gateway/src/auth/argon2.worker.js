// One argon2id hash in a piscina worker thread (see argon2-worker.pool.ts). Plain JavaScript so
// the same file runs from the sources (jest) and from dist/ without a TypeScript loader.
// A hashing error is returned, not thrown: a rejected run() then always means the pool or the
// thread failed (timeout, exit), which the pool reports as HASH_TIMEOUT / HASH_WORKER_EXITED.
const { argon2id } = require('hash-wasm');

module.exports = async function hash(task) {
  try {
    const { password, salt, memorySize, iterations, parallelism, hashLength } = task;
    return { hash: await argon2id({ password, salt, memorySize, iterations, parallelism, hashLength, outputType: 'binary' }) };
  } catch (e) {
    return { error: String((e && e.message) || e) };
  }
};
