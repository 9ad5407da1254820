import { spawn, type ChildProcess } from 'node:child_process';

export type ProcessFailure = 'timeout' | 'aborted' | 'failed' | 'missing' | 'output_too_large';

/** Why an engine process did not give us its output. `kind` decides the status the caller reports. */
export class ProcessError extends Error {
  constructor(
    readonly kind: ProcessFailure,
    readonly command: string,
    message: string,
    readonly stderr = '',
    readonly exitCode: number | null = null,
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

export interface RunOptions {
  /** The process group is SIGKILLed after this long. */
  timeoutMs: number;
  /** Aborting (client gone, job cancelled) kills the process group at once. */
  signal?: AbortSignal;
  /** Written to stdin, which is then closed; stdin is /dev/null otherwise. */
  input?: Buffer;
  /** stdout beyond this is an error rather than unbounded memory (default 256 MB). */
  maxOutputBytes?: number;
  cwd?: string;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  ms: number;
}

const STDERR_KEEP = 16 * 1024;
const live = new Set<ChildProcess>();
let exitHooked = false;

/**
 * Kills the child's whole process group: engines started through a wrapper script leave
 * grandchildren that a plain child.kill() would orphan. Each child leads its own group (detached).
 */
function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Detached children do not die with us: kill whatever is still running when the service exits. */
function track(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const c of live) killGroup(c);
  });
}

/** Engine processes still running in this replica (for tests and health output). */
export function liveProcessCount(): number {
  return live.size;
}

/**
 * Runs one command (no shell: arguments are never parsed), collects stdout, and guarantees the
 * process is gone when the promise settles: killed on timeout or abort, and reaped by Node.
 */
export function runProcess(command: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const maxOut = opts.maxOutputBytes ?? 256 * 1024 * 1024;
  return new Promise<RunResult>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new ProcessError('aborted', command, `${command} was not started: the request was cancelled`));
    const child = spawn(command, args, { cwd: opts.cwd, detached: true, stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    track(child);
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let failure: ProcessError | undefined;
    const fail = (err: ProcessError) => {
      failure ??= err;
      killGroup(child);
    };
    const timer = setTimeout(
      () => fail(new ProcessError('timeout', command, `${command} did not finish within ${opts.timeoutMs} ms and was killed`)),
      opts.timeoutMs,
    );
    const onAbort = () => fail(new ProcessError('aborted', command, `${command} was killed: the request was cancelled`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout?.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxOut) return fail(new ProcessError('output_too_large', command, `${command} produced more than ${maxOut} bytes`));
      out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    // The engine may exit before reading all its input (a bad file): that EPIPE is not our error.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(opts.input);
    child.once('error', (err: NodeJS.ErrnoException) => {
      failure ??=
        err.code === 'ENOENT'
          ? new ProcessError('missing', command, `${command} is not installed (or not on PATH)`)
          : new ProcessError('failed', command, `${command} could not start: ${err.message}`);
    });
    // 'close' comes after the process exited (Node has reaped it) and its pipes are drained.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(Object.assign(failure, { stderr }));
      if (code !== 0) {
        const last = stderr.trim().split('\n').slice(-3).join(' | ');
        return reject(
          new ProcessError('failed', command, `${command} exited with ${code ?? signal}${last ? `: ${last}` : ''}`, stderr, code),
        );
      }
      resolve({ stdout: Buffer.concat(out), stderr, ms: performance.now() - started });
    });
  });
}
