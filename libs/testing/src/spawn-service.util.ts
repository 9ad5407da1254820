import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { exitOf, killQuietly, stopProcess, trackProcess } from './process-registry.util';
import { sleep } from './wait-for.util';

export interface SpawnServiceOptions {
  name: string;
  /** A compiled .js entry point, run as `node <script>`. */
  script: string;
  env: Record<string, string>;
  /** Node flags before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
  /** Ready when this URL answers 200. */
  readyUrl?: string;
  /** Ready when a stdout/stderr line matches. */
  readyLine?: RegExp;
  timeoutMs?: number;
}

export interface ServiceProcess {
  pid: number;
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** Everything the process printed so far (stdout and stderr interleaved). */
  logs(): string;
  exited: Promise<number | null>;
}

/** Logs also go to a file so a failed CI run can be inspected and scanned for leaked secrets. */
export const TEST_LOG_DIR = join(process.cwd(), 'tmp', 'test-logs');

async function urlAnswers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Runs a service as a real child process and waits until it says it is ready. */
export async function spawnService(opts: SpawnServiceOptions): Promise<ServiceProcess> {
  const { name, script, env, nodeArgs = [], readyUrl, readyLine, timeoutMs = 20_000 } = opts;
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child);
  if (child.pid === undefined) throw new Error(`could not spawn ${name} (${script})`);
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  const file = createWriteStream(join(TEST_LOG_DIR, `${name}-${child.pid}.log`));
  let buffer = '';
  let sawReadyLine = false;
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    buffer += text;
    file.write(text);
    if (readyLine && !sawReadyLine && readyLine.test(buffer)) sawReadyLine = true;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = exitOf(child);
  void exited.then(() => file.end());

  const handle: ServiceProcess = {
    pid: child.pid,
    kill: (signal: NodeJS.Signals = 'SIGTERM') => killQuietly(child, signal),
    stop: () => stopProcess(child),
    logs: () => buffer,
    exited,
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready. Output:\n${buffer}`);
    }
    const ready = (readyLine ? sawReadyLine : true) && (readyUrl ? await urlAnswers200(readyUrl) : true);
    if (ready) return handle;
    if (Date.now() >= deadline) {
      await handle.stop();
      throw new Error(`${name} was not ready within ${timeoutMs} ms. Output:\n${buffer}`);
    }
    await sleep(50);
  }
}
