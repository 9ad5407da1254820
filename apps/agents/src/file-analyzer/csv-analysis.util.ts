import { CsvError, parse, type Options } from 'csv-parse/sync';

const DELIMITERS = [',', ';', '\t', '|'];
const MAX_ROWS = 200_000;
const MAX_DISTINCT = 10_000;

/**
 * RFC 4180 rows with csv-parse: quoted fields may hold delimiters, doubled quotes and newlines;
 * LF, CRLF and CR all end a row (even mixed); ragged rows and stray quotes inside an unquoted field
 * are kept as they are; blank lines are skipped. A file cut inside a quoted field (a sniffed head, a
 * broken export) keeps the rows before it instead of failing the whole analysis.
 */
export function parseCsv(text: string, delimiter: string, maxRows = MAX_ROWS): string[][] {
  const rows: string[][] = [];
  const options: Options = {
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    to: maxRows,
    // Collected here rather than from the return value, so rows parsed before an error are kept.
    on_record: (record: string[]) => {
      if (!(record.length === 1 && record[0] === '')) rows.push(record);
      return null;
    },
  };
  try {
    parse(text, options);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
  }
  return rows;
}

/** The delimiter giving the same field count (>= 2) on most of the first lines; null when it is not a table. */
export function sniffDelimiter(text: string): string | null {
  const head = text.slice(0, 64 * 1024);
  let best: { d: string; score: number } | null = null;
  for (const d of DELIMITERS) {
    const rows = parseCsv(head, d, 50);
    if (rows.length < 2) continue;
    const width = rows[0].length;
    if (width < 2) continue;
    const same = rows.filter((r) => r.length === width).length / rows.length;
    if (same >= 0.8 && (!best || same * width > best.score)) best = { d, score: same * width };
  }
  return best?.d ?? null;
}

type CellType = 'integer' | 'number' | 'boolean' | 'date' | 'string';

function cellType(v: string): CellType {
  if (/^[+-]?\d+$/.test(v)) return 'integer';
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return 'number';
  if (/^(true|false|yes|no)$/i.test(v)) return 'boolean';
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v))) return 'date';
  return 'string';
}

/** One type for the column: integer widens to number; anything else mixed is string. */
function columnType(seen: Set<CellType>): CellType | 'empty' {
  if (!seen.size) return 'empty';
  if (seen.size === 1) return [...seen][0];
  if ([...seen].every((t) => t === 'integer' || t === 'number')) return 'number';
  return 'string';
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function columnStats(values: string[]) {
  const present = values.filter((v) => v.trim() !== '').map((v) => v.trim());
  const seen = new Set(present.map(cellType));
  const type = columnType(seen);
  const distinct = new Set(present.slice(0, MAX_DISTINCT * 10)).size;
  const base = {
    type,
    count: present.length,
    empty: values.length - present.length,
    distinct,
    ...(seen.size > 1 ? { mixed: [...seen].sort() } : {}),
  };
  if (type === 'integer' || type === 'number') {
    const nums = present.map(Number).sort((a, b) => a - b);
    const mean = nums.reduce((s, n) => s + n, 0) / nums.length;
    const median = nums.length % 2 ? nums[(nums.length - 1) / 2] : (nums[nums.length / 2 - 1] + nums[nums.length / 2]) / 2;
    const std = Math.sqrt(nums.reduce((s, n) => s + (n - mean) ** 2, 0) / nums.length);
    return { ...base, min: nums[0], max: nums[nums.length - 1], mean: round(mean), median: round(median), stddev: round(std) };
  }
  if (type === 'boolean')
    return {
      ...base,
      true: present.filter((v) => /^(true|yes)$/i.test(v)).length,
      false: present.filter((v) => /^(false|no)$/i.test(v)).length,
    };
  if (type === 'date') {
    const sorted = [...present].sort((a, b) => Date.parse(a) - Date.parse(b));
    return { ...base, min: sorted[0], max: sorted[sorted.length - 1] };
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 5)
    .map(([value, n]) => ({ value: value.slice(0, 80), count: n }));
  // A loop, not Math.min(...lengths): spreading 150,000 values overflows the call stack.
  let minLength = present.length ? Infinity : 0;
  let maxLength = 0;
  for (const v of present) {
    minLength = Math.min(minLength, v.length);
    maxLength = Math.max(maxLength, v.length);
  }
  return { ...base, min_length: minLength, max_length: maxLength, top };
}

/** A header row: every cell filled, none numeric, all different. */
function looksLikeHeader(first: string[]): boolean {
  return first.every((c) => c.trim() !== '' && cellType(c.trim()) === 'string') && new Set(first).size === first.length;
}

export function analyzeCsv(text: string, delimiter: string) {
  const rows = parseCsv(text, delimiter);
  const header = looksLikeHeader(rows[0] ?? []);
  const width = rows[0]?.length ?? 0;
  const data = header ? rows.slice(1) : rows;
  const names = header ? rows[0].map((c) => c.trim()) : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const columns = names.map((name, i) => ({ name, ...columnStats(data.map((r) => r[i] ?? '')) }));
  return {
    delimiter: delimiter === '\t' ? 'tab' : delimiter,
    has_header: header,
    rows: data.length,
    columns_count: width,
    ragged_rows: data.filter((r) => r.length !== width).length,
    truncated: rows.length >= MAX_ROWS,
    columns,
  };
}
