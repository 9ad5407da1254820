/**
 * Generators for the fuzz suite: malformed requests derived from the live OpenAPI document.
 * Every generated request is malformed or aimed at someone else's data, so none of them may
 * legitimately change stored data.
 */
import { seededRandom } from '@nitro/testing';

/** Deterministic PRNG: a failing case can be replayed from its seed. */
export const rng = seededRandom;

export interface Operation {
  method: string;
  path: string;
  /** Property name -> OpenAPI type of the JSON body, when it has one. */
  fields: Record<string, string>;
  multipart: boolean;
}

export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Operations of the OpenAPI document with their JSON body fields ($ref resolved one level). */
export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(byMethod)) {
      const content = op.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      const schema = json?.$ref ? doc.components.schemas[json.$ref.split('/').pop()] : json;
      const fields: Record<string, string> = {};
      for (const [name, prop] of Object.entries<any>(schema?.properties ?? {}))
        fields[name] = prop.type ?? (prop.$ref || prop.allOf ? 'object' : 'string');
      ops.push({ method: method.toUpperCase(), path, fields, multipart: !!content['multipart/form-data'] });
    }
  }
  return ops;
}

export const UNICODE_EDGES = [
  '\u0000',
  'a\u0000b',
  '\u202e\u0644\u0627 gnp.exe',
  '\ufeff',
  '\u2028\u2029',
  '🔥'.repeat(300),
  'e\u0301'.repeat(200),
  'Ａｄｍｉｎ',
  '\uffff\ufffe',
  '\ud800',
  '\udfff\ud800',
  '𝕏'.repeat(70),
  ' ',
  '\t\n\r',
];

export const TRAVERSALS = [
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%252e%252e%252f',
  '..\\..\\windows\\win.ini',
  'a%00b',
  '%00',
  '.',
  '..',
  '%C0%AE%C0%AE%2F',
  '%ZZ',
  'x'.repeat(5000),
  'tester%2F..%2Fadmin',
  '%F0%9F%94%A5',
  "tester' OR '1'='1",
  '${jndi:ldap://x}',
];

const WRONG_TYPES: unknown[] = [123, -1, 1.5e308, true, null, [], {}, [[['x']]], { $gt: '' }, ['tester']];

export const BAD_JSON = [
  '{',
  '{"a":}',
  '[1,2',
  'nul',
  "{'a':1}",
  '{"a":1,}',
  '\ufeff{"a":1}',
  '1e99999',
  '"just a string"',
  '[]',
  'null',
  'true',
  '{"__proto__":{"role":"admin"}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '{"a":1}{"b":2}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '',
];

/** Raw bytes that are not UTF-8, sent as application/json. */
export const BAD_BYTES = [
  Uint8Array.from([0xff, 0xfe, 0x7b, 0x7d]),
  Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  Uint8Array.from([0xed, 0xa0, 0x80]),
];

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/**
 * Bodies for one operation: wrong types per field, huge strings, unicode edges, deep and wide
 * nesting, bad JSON. A body that could pass validation always names `victim` as its owner, and
 * routes without a user_id get at least one wrong-typed field, so nothing can be written.
 */
export function bodiesFor(op: Operation, victim: string, pick: () => number): { label: string; body: string | Uint8Array }[] {
  const out: { label: string; body: string | Uint8Array }[] = [];
  const names = Object.keys(op.fields);
  const base = (): Record<string, unknown> => {
    const b: Record<string, unknown> = {};
    for (const n of names)
      b[n] =
        op.fields[n] === 'string'
          ? 'fuzz'
          : op.fields[n] === 'integer' || op.fields[n] === 'number'
            ? 1
            : op.fields[n] === 'boolean'
              ? false
              : {};
    if ('user_id' in op.fields) b.user_id = victim;
    return b;
  };
  for (const n of names) {
    for (const wrong of WRONG_TYPES) {
      if (typeof wrong === typeof base()[n] && !Array.isArray(wrong) && wrong !== null) continue;
      out.push({ label: `${n}=${JSON.stringify(wrong)}`, body: JSON.stringify({ ...base(), [n]: wrong }) });
    }
    const uni = UNICODE_EDGES[Math.floor(pick() * UNICODE_EDGES.length)];
    const poisoned = 'user_id' in op.fields ? {} : { [names.find((m) => m !== n) ?? '__extra']: [] };
    out.push({ label: `${n}=unicode`, body: JSON.stringify({ ...base(), ...poisoned, [n]: uni }) });
    out.push({ label: `${n}=huge`, body: JSON.stringify({ ...base(), ...poisoned, [n]: 'x'.repeat(300_000) }) });
  }
  out.push({ label: 'unknown field', body: JSON.stringify({ ...base(), isAdmin: true }) });
  out.push({ label: 'deep 40', body: nested(40) });
  out.push({ label: 'deep 20000', body: nested(20_000) });
  out.push({ label: 'wide 1000', body: JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]))) });
  out.push({ label: 'long array', body: JSON.stringify({ ...base(), list: new Array(30_000).fill(0) }) });
  for (let i = 0; i < 4; i++) out.push({ label: 'bad json', body: BAD_JSON[Math.floor(pick() * BAD_JSON.length)] });
  out.push({ label: 'bad bytes', body: BAD_BYTES[Math.floor(pick() * BAD_BYTES.length)] });
  return out;
}

/** The path with every {param} replaced by a hostile value (or the victim's id). */
export function pathsFor(op: Operation, victim: string, pick: () => number, n: number): { label: string; path: string }[] {
  if (!/\{/.test(op.path)) return [];
  const out: { label: string; path: string }[] = [];
  for (let i = 0; i < n; i++) {
    const t = TRAVERSALS[Math.floor(pick() * TRAVERSALS.length)];
    out.push({ label: `param=${t.slice(0, 30)}`, path: op.path.replace(/\{[^}]+\}/g, () => (pick() < 0.2 ? victim : t)) });
  }
  const uni = encodeURIComponent(UNICODE_EDGES[Math.floor(pick() * 8)]).slice(0, 300);
  out.push({ label: 'param=unicode', path: op.path.replace(/\{[^}]+\}/g, uni) });
  return out;
}

export const QUERY_ABUSE = [
  '?limit=-1',
  '?limit=1e309',
  '?limit=NaN',
  '?limit[]=1&limit[]=2',
  '?__proto__[role]=admin',
  '?session_id=a&session_id=b',
  `?q=${'x'.repeat(20_000)}`,
  '?offset=99999999999999999999',
  '?user_id=..%2F..',
  '?wait=maybe',
  '?%zz=1',
];

export const HEADER_ABUSE: { label: string; headers: Record<string, string> }[] = [
  { label: 'bearer garbage', headers: { authorization: 'Bearer !!!!.????.####' } },
  { label: 'bearer three dots', headers: { authorization: 'Bearer a.b.c' } },
  { label: 'lowercase bearer + junk', headers: { authorization: 'bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' } },
  { label: 'basic auth', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } },
  { label: 'huge authorization', headers: { authorization: `Bearer ${'A'.repeat(12_000)}` } },
  { label: 'utf-16 json', headers: { 'content-type': 'application/json; charset=utf-16' } },
  { label: 'semicolons', headers: { 'content-type': 'application/json;;;' } },
  { label: 'upper-case type', headers: { 'content-type': 'APPLICATION/JSON' } },
  { label: 'multipart without boundary', headers: { 'content-type': 'multipart/form-data' } },
  { label: 'long boundary', headers: { 'content-type': `multipart/form-data; boundary=${'b'.repeat(300)}` } },
  { label: 'xml', headers: { 'content-type': 'application/xml' } },
  { label: 'bad request id', headers: { 'x-request-id': '<script>alert(1)</script>' } },
  { label: 'forwarded garbage', headers: { 'x-forwarded-for': 'not-an-ip, 999.999.1.1, ::ffff:zz' } },
  { label: 'origin null', headers: { origin: 'null' } },
  { label: 'accept garbage', headers: { accept: '*/*;q=abc, text/event-stream;;' } },
];
