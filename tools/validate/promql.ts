import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import YAML from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** What one PromQL expression reads: each selector's metric and matcher labels, and the labels it groups or matches on. */
export interface QueryUse {
  expr: string;
  selectors: { metric: string; labels: string[] }[];
  /** by (...), without (...), on (...), ignoring (...): must exist on some metric of the query. */
  grouping: string[];
  syntaxError: boolean;
}

/** Parses with the Prometheus project's own PromQL grammar. Grafana's $__ variables are replaced by a duration first. */
export function analyseQuery(expr: string): QueryUse {
  const text = expr.replace(/\$__(rate_interval|interval|range)/g, '5m');
  const tree = parser.parse(text);
  const use: QueryUse = { expr, selectors: [], grouping: [], syntaxError: false };
  const slice = (n: { from: number; to: number }) => text.slice(n.from, n.to);
  tree.iterate({
    enter(node) {
      if (node.type.isError) use.syntaxError = true;
      if (node.name === 'VectorSelector') {
        const sel = { metric: '', labels: [] as string[] };
        const cursor = node.node.cursor();
        cursor.iterate((c) => {
          if (c.name === 'Identifier' && !sel.metric) sel.metric = slice(c);
          if (c.name === 'LabelName') sel.labels.push(slice(c));
        });
        use.selectors.push(sel);
        return false;
      }
      if (node.name === 'GroupingLabels') {
        node.node.cursor().iterate((c) => {
          if (c.name === 'LabelName') use.grouping.push(slice(c));
        });
        return false;
      }
      return undefined;
    },
  });
  return use;
}

/** Metric name -> label names seen on its samples, from Prometheus text exposition (histogram/summary suffixes kept). */
export type Inventory = Map<string, Set<string>>;

export function parseExposition(text: string, into: Inventory = new Map()): Inventory {
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s/.exec(line);
    if (!m) continue;
    const labels = into.get(m[1]) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(l[1]);
    into.set(m[1], labels);
  }
  return into;
}

/** Series Prometheus itself adds (per scrape target), and the labels it attaches to every series. */
const PROMETHEUS_METRICS = new Map<string, string[]>([
  ['up', []],
  ['scrape_duration_seconds', []],
  ['scrape_samples_scraped', []],
]);
const TARGET_LABELS = ['job', 'instance'];

/** Every metric and label the expression uses must be exported (or be one Prometheus adds itself). */
export function queryErrors(use: QueryUse, inventory: Inventory, where: string): string[] {
  const errors: string[] = [];
  if (use.syntaxError) errors.push(`${where}: PromQL does not parse: ${use.expr}`);
  const labelsOf = (metric: string): Set<string> | undefined => {
    const builtin = PROMETHEUS_METRICS.get(metric);
    if (builtin) return new Set([...builtin, ...TARGET_LABELS]);
    const labels = inventory.get(metric);
    return labels ? new Set([...labels, ...TARGET_LABELS]) : undefined;
  };
  for (const s of use.selectors) {
    const labels = labelsOf(s.metric);
    if (!labels) {
      errors.push(`${where}: metric ${s.metric} is not exported by any service`);
      continue;
    }
    for (const l of s.labels)
      if (!labels.has(l)) errors.push(`${where}: ${s.metric} has no label "${l}" (it has: ${[...labels].sort().join(', ')})`);
  }
  const all = use.selectors.map((s) => labelsOf(s.metric)).filter((x): x is Set<string> => !!x);
  for (const l of use.grouping)
    if (all.length && !all.some((set) => set.has(l))) errors.push(`${where}: no metric in the query has the label "${l}" it groups on`);
  return errors;
}

/** Every PromQL expression of the Grafana dashboards and Prometheus rule files in deploy/, with where it comes from. */
export function deployedQueries(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const dashDir = join(ROOT, 'deploy', 'grafana', 'dashboards');
  for (const f of require('node:fs')
    .readdirSync(dashDir)
    .filter((n: string) => n.endsWith('.json'))) {
    const dash = JSON.parse(readFileSync(join(dashDir, f), 'utf8'));
    const panels = [...(dash.panels ?? []), ...(dash.panels ?? []).flatMap((p: { panels?: unknown[] }) => p.panels ?? [])];
    for (const p of panels) for (const t of p.targets ?? []) if (t.expr) out.push({ where: `${f} panel "${p.title}"`, expr: t.expr });
    for (const v of dash.templating?.list ?? [])
      if (typeof v.query === 'string' && v.type === 'query') out.push({ where: `${f} variable ${v.name}`, expr: v.query });
  }
  for (const f of ruleFiles()) {
    const doc = YAML.parse(readFileSync(f, 'utf8'));
    for (const g of doc.groups ?? [])
      for (const r of g.rules ?? []) out.push({ where: `${f.slice(ROOT.length + 1)} ${r.alert ?? r.record}`, expr: r.expr });
  }
  return out;
}

export function ruleFiles(): string[] {
  const dir = join(ROOT, 'deploy', 'prometheus', 'rules');
  return require('node:fs')
    .readdirSync(dir)
    .filter((n: string) => /\.ya?ml$/.test(n))
    .map((n: string) => join(dir, n));
}
