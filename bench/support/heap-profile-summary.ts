import { readFileSync } from 'node:fs';
import { groupOf } from './cpu-profile-summary';

/** The parts of a DevTools `HeapProfiler.SamplingHeapProfile` we read. */
interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes of the samples allocated by this frame itself. */
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated by one function or one group, and its share of all sampled bytes (0..1). */
export interface AllocationRow {
  name: string;
  bytes: number;
  share: number;
}

/** Where allocation went: sampled bytes in total, top functions, the same grouped by package / our lib or app. */
export interface AllocationSummary {
  totalBytes: number;
  functions: AllocationRow[];
  groups: AllocationRow[];
}

/** Sums the self bytes of a `.heapprofile` by function (`name url:line`) and by {@link groupOf}; `top` rows of each. */
export function summariseHeapProfile(file: string, top = 20): AllocationSummary {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let totalBytes = 0;
  const stack: HeapNode[] = [head];
  while (stack.length) {
    const n = stack.pop()!;
    stack.push(...n.children);
    if (!n.selfSize) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const group = groupOf(url, functionName);
    const fn = `\`${functionName || '(anonymous)'} ${group}:${lineNumber + 1}\``;
    totalBytes += n.selfSize;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n.selfSize);
    byGroup.set(`\`${group}\``, (byGroup.get(`\`${group}\``) ?? 0) + n.selfSize);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, bytes]) => ({ name, bytes, share: totalBytes ? bytes / totalBytes : 0 }));
  return { totalBytes, functions: rows(byFunction), groups: rows(byGroup) };
}

/** A Markdown table of rows: bytes per request (sampled bytes ÷ requests) and share. */
export function allocationTable(title: string, rows: AllocationRow[], requests: number): string {
  const lines = [`| ${title} | bytes/request | share |`, '|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.name} | ${Math.round(r.bytes / requests)} | ${(r.share * 100).toFixed(1)} % |`);
  return lines.join('\n');
}
