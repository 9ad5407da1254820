import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.util';
import { exitOf, killQuietly, stopProcess, trackProcess } from './process-registry.util';
import { sleep } from './wait-for.util';

export interface RedisServerHandle {
  port: number;
  url: string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** Send a signal without waiting (e.g. SIGKILL to simulate a crash). */
  kill(signal?: NodeJS.Signals): void;
  /** Stop, then start again on the SAME port with empty data (no persistence): a Redis restart. */
  restart(): Promise<void>;
}

const REDIS_BIN = '/usr/bin/redis-server';

/** Sends PING over a raw socket: no client library, so this helper cannot mask client bugs. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

function launch(port: number): ChildProcess {
  // No RDB/AOF: a restart really loses every stream and group, which is what the tests exercise.
  const child = spawn(REDIS_BIN, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  trackProcess(child);
  return child;
}

async function waitUntilUp(child: ChildProcess, port: number, timeoutMs = 10_000): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} on port ${port}: ${stderr}`);
    if (await pingRedis(port)) return;
    await sleep(30);
  }
  killQuietly(child, 'SIGKILL');
  throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms: ${stderr}`);
}

/** Starts a private redis-server on a free port; for tests that kill or restart Redis. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const port = await freePort();
  let child = launch(port);
  await waitUntilUp(child, port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopProcess(child),
    kill: (signal: NodeJS.Signals = 'SIGKILL') => killQuietly(child, signal),
    async restart() {
      await stopProcess(child);
      await exitOf(child);
      child = launch(port);
      await waitUntilUp(child, port);
    },
  };
}
