import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessRow {
  pid: number;
  ppid: number;
  stat: string;
  args: string;
}

/** The real process table (ps), so a test sees what an operator would: live, zombie or gone. */
export function processTable(): ProcessRow[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => !!m)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), stat: m[3], args: m[4] }));
}

/** Processes (live or zombie) whose command line mentions `needle`. */
export const processesMatching = (needle: string): ProcessRow[] =>
  processTable().filter((p) => p.args.includes(needle) && !p.args.startsWith('ps '));

/** Children of `pid`, live or zombie. */
export const childrenOf = (pid: number): ProcessRow[] => processTable().filter((p) => p.ppid === pid);

/**
 * A fake engine that hangs: a script standing in for an ffmpeg or pocketsphinx that never
 * finishes. It execs `sleep` with a unique duration, so `marker` finds it in the process table
 * after the exec (the script's own path is gone from the command line by then).
 */
export function hangingEngine(name: string): { path: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nitro-voice-fake-'));
  const path = join(dir, `${name}-hangs.sh`);
  const marker = `sleep 300.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  writeFileSync(path, `#!/bin/sh\n# Ignores its arguments and never answers, like a wedged engine.\nexec ${marker}\n`);
  chmodSync(path, 0o755);
  return { path, marker };
}
