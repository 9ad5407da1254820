const MAX_DEPTH = 8;
const MAX_KEYS = 50;
const MAX_ITEMS_SAMPLED = 200;

export type Shape =
  | string
  | { type: 'array'; length: number; items: Shape | null }
  | { type: 'object'; keys: Record<string, Shape>; more_keys?: number; optional?: string[] };

/** A sketch of a JSON value's structure: types instead of values, arrays summarised by one merged item shape. */
export function sketch(value: unknown, depth = 0): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return 'array';
    const items = value.slice(0, MAX_ITEMS_SAMPLED).map((v) => sketch(v, depth + 1));
    return { type: 'array', length: value.length, items: items.length ? items.reduce(merge) : null };
  }
  if (typeof value === 'object') {
    if (depth >= MAX_DEPTH) return 'object';
    const entries = Object.entries(value as Record<string, unknown>);
    const keys = Object.fromEntries(entries.slice(0, MAX_KEYS).map(([k, v]) => [k, sketch(v, depth + 1)]));
    return { type: 'object', keys, ...(entries.length > MAX_KEYS ? { more_keys: entries.length - MAX_KEYS } : {}) };
  }
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Two item shapes as one: objects union their keys (keys not in both become optional), scalars join as "a|b". */
export function merge(a: Shape, b: Shape): Shape {
  if (JSON.stringify(a) === JSON.stringify(b)) return a;
  if (typeof a === 'object' && typeof b === 'object' && a.type === 'object' && b.type === 'object') {
    const keys: Record<string, Shape> = { ...a.keys };
    for (const [k, v] of Object.entries(b.keys)) keys[k] = k in keys ? merge(keys[k], v) : v;
    const optional = new Set([...(a.optional ?? []), ...(b.optional ?? [])]);
    for (const k of Object.keys(keys)) if (!(k in a.keys) || !(k in b.keys)) optional.add(k);
    return { type: 'object', keys, ...(optional.size ? { optional: [...optional].sort() } : {}) };
  }
  if (typeof a === 'object' && typeof b === 'object' && a.type === 'array' && b.type === 'array') {
    return {
      type: 'array',
      length: Math.max(a.length, b.length),
      items: a.items && b.items ? merge(a.items, b.items) : (a.items ?? b.items),
    };
  }
  const names = new Set([...describe(a).split('|'), ...describe(b).split('|')]);
  if (names.has('number') && names.has('integer')) names.delete('integer');
  return [...names].sort().join('|');
}

function describe(s: Shape): string {
  return typeof s === 'string' ? s : s.type;
}

export function analyzeJson(value: unknown) {
  let nodes = 0;
  let depth = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    nodes++;
    depth = Math.max(depth, d);
    if (v && typeof v === 'object') for (const child of Object.values(v as object)) stack.push([child, d + 1]);
  }
  return { root: Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value, depth, values: nodes, shape: sketch(value) };
}
