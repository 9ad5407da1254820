import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (Chrome DevTools Protocol `Profiler.Profile`) we read. */
interface CpuProfile {
  /** µs on the monotonic clock (the one `process.hrtime` reads on Linux). */
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or one group, in ms and as a share of all samples (0..1). */
export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

/** Where self time went: top functions, and the same samples grouped by package / our lib or app. */
export interface ProfileSummary {
  totalMs: number;
  /** Samples in `(idle)`: the process was waiting, share of total. */
  idleShare: number;
  functions: ProfileRow[];
  groups: ProfileRow[];
}

/**
 * Groups a script URL: `node_modules/<pkg>` (pnpm's `.pnpm/<pkg>@v/node_modules/<pkg>` too), our `dist/apps/<app>` or
 * `dist/libs/<lib>`, `node:` internals, or the V8 pseudo frames (`(garbage collector)`, `(program)`, `(idle)`).
 */
export function groupOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /dist\/(apps|libs)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url;
}

/**
 * Reads a `.cpuprofile` written by `node --cpu-prof` and sums self time per function and per group.
 * `fromUs`: ignore samples taken before this monotonic time in µs (`process.hrtime.bigint() / 1000n` when the load
 * started), so start-up (module loading, Nest wiring) does not hide the request path.
 */
export function summariseCpuProfile(file: string, top = 15, fromUs = 0): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let at = p.startTime;
  p.samples.forEach((id, i) => {
    at += p.timeDeltas[i] ?? 0;
    if (at >= fromUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const fn = new Map<string, number>();
  const grp = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') idle += us;
    const g = groupOf(url, functionName);
    const name = `${functionName || '(anonymous)'} ${url ? `${g}:${lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    grp.set(g, (grp.get(g) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { totalMs: total / 1000, idleShare: idle / total, functions: rows(fn), groups: rows(grp) };
}

/** A markdown table of rows, shares as percentages of the whole profile; with `requests`, also µs of CPU per request. */
export function profileTable(title: string, rows: ProfileRow[], requests?: number): string {
  const per = requests ? ' µs/request |' : '';
  const lines = [`| ${title} | self ms | share |${per}`, `|---|---|---|${requests ? '---|' : ''}`];
  for (const r of rows)
    lines.push(
      `| \`${r.name}\` | ${r.ms.toFixed(0)} | ${(r.share * 100).toFixed(1)} % |${requests ? ` ${((r.ms * 1000) / requests).toFixed(0)} |` : ''}`,
    );
  return lines.join('\n');
}
