import { getMetadataStorage } from 'class-validator';

type Lookup = (target: unknown, schema: string, always: boolean, strictGroups: boolean, groups?: string[]) => readonly unknown[];
type Grouping = (metadata: readonly unknown[]) => Record<string, unknown[]>;

/** The parts of class-validator's MetadataStorage (0.15) this cache wraps. */
interface Storage {
  getTargetValidationMetadatas: Lookup;
  groupByPropertyName: Grouping;
  addValidationMetadata(metadata: unknown): void;
  addValidationSchema(schema: unknown): void;
}

let installed = false;

/**
 * Memoises class-validator's metadata lookup. `getTargetValidationMetadatas` scans every class that has
 * validation decorators (`instanceof` against each, for inherited rules) on every validation of every
 * nested object: with the contracts' ~200 DTO classes that was ~4 % of the gateway's CPU per chat request
 * (docs/performance/chat.md). Decorators run when classes are defined, so the answer for a class only
 * changes when metadata is added: the cache is dropped then. Idempotent; installed by the one validation
 * path (validate-dto.util.ts), which both the gateway's body pipe and every RPC payload check load.
 * The validator then groups that list by property on every call (`groupByPropertyName`, an object and an
 * array per property each time: with the /v1 request's ~30 optional fields, a large part of the gateway's
 * allocation per request); the grouping of a cached list is cached beside it. Both are frozen: class-validator
 * only reads them, and a change that started writing to them would throw rather than corrupt the cache.
 */
export function memoizeValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage() as unknown as Storage;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  let cache = new Map<unknown, Map<string, readonly unknown[]>>();
  const group = storage.groupByPropertyName.bind(storage);
  const grouped = new WeakMap<readonly unknown[], Record<string, unknown[]>>();
  storage.groupByPropertyName = (metadata) => {
    let found = grouped.get(metadata);
    if (!found) {
      found = group(metadata);
      // Only lists this cache handed out (frozen) are the same array next time; others would only fill the map.
      if (Object.isFrozen(metadata)) {
        for (const list of Object.values(found)) Object.freeze(list);
        grouped.set(metadata, Object.freeze(found));
      }
    }
    return found;
  };
  const addMetadata = storage.addValidationMetadata.bind(storage);
  const addSchema = storage.addValidationSchema.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    cache = new Map();
    addMetadata(metadata);
  };
  storage.addValidationSchema = (schema) => {
    cache = new Map();
    addSchema(schema);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join('\u0000') ?? ''}`;
    let byKey = cache.get(target);
    if (!byKey) cache.set(target, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = Object.freeze(lookup(target, schema, always, strictGroups, groups))));
    return found;
  };
}
