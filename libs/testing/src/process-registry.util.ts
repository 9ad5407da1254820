import type { ChildProcess } from 'node:child_process';

/**
 * Every child process a test starts is tracked here, so nothing outlives the test run:
 * `stopAllProcesses()` is safe to call from any afterAll, and a process 'exit' hook SIGKILLs
 * whatever is left (for example when a test fails before its own cleanup ran).
 */
const live = new Set<ChildProcess>();
let hooked = false;

export function trackProcess(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const proc of live) killQuietly(proc, 'SIGKILL');
    });
  }
}

export function killQuietly(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(signal);
  } catch {
    // already gone
  }
}

/** Resolves with the exit code (null when killed by a signal) once the process has exited. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. Idempotent. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const exited = exitOf(child);
  killQuietly(child, 'SIGTERM');
  const timer = setTimeout(() => killQuietly(child, 'SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...live].map((child) => stopProcess(child)));
}
