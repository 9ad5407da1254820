import type { FindingDto } from '@nitro/contracts';

/** secretlint 11 is ESM only; a real import() (not turned into require by the build) loads it from CommonJS. Not service-kit's importEsm: this runs in a review worker, which should not load all of service-kit (Nest) for one line. */
const importEsm = new Function('s', 'return import(s)') as (specifier: string) => Promise<any>;

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';
const RULE_PREFIX = '@secretlint/secretlint-rule-';
const SUGGESTION =
  'Remove it from the code, rotate it (it may already be in version control history), and read it from the environment or a secret store.';

interface Secretlint {
  lintSource: (args: unknown) => Promise<{ messages: SecretlintMessage[] }>;
  preset: { rules: { meta: { id: string } }[] };
  version: string;
}

interface SecretlintMessage {
  ruleId: string;
  messageId?: string;
  message: string;
  docsUrl?: string;
  loc: { start: { line: number; column: number } };
}

let loaded: Promise<Secretlint> | undefined;

function load(): Promise<Secretlint> {
  loaded ??= Promise.all([importEsm('@secretlint/core'), importEsm(PRESET_ID)]).then(([core, preset]) => ({
    lintSource: core.lintSource,
    preset: preset.creator,
    version: String(require(`${PRESET_ID}/package.json`).version),
  }));
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/** The rule ids of the recommended preset (e.g. "aws", "privatekey", "github"), for GET /agent/list. */
export async function secretlintRules(): Promise<{ version: string; rules: string[] }> {
  const s = await load();
  return { version: s.version, rules: s.preset.rules.map((r) => r.meta.id.replace(RULE_PREFIX, '')) };
}

/** Whatever secretlint masked (`****`) becomes "[masked]": the message tells the kind, never the value or its length. */
function masked(message: string): string {
  return message.replace(/\*{3,}/g, '[masked]');
}

/**
 * Scans any text for secrets with secretlint's recommended preset (AWS keys including access key
 * ids, private keys, GitHub/Slack/npm/... tokens, basic auth in URLs). `maskSecrets` makes
 * secretlint replace the value in its messages; we mask again so no length is shown either.
 * Lines are 1-based, secretlint's columns 0-based (we add 1).
 */
export async function runSecretlint(code: string): Promise<FindingDto[]> {
  const s = await load();
  const config = { rules: [{ id: PRESET_ID, rule: s.preset, rules: [{ id: `${RULE_PREFIX}aws`, options: { enableIDScanRule: true } }] }] };
  const result = await s.lintSource({
    source: { content: code, filePath: '/review/snippet.txt', ext: '.txt', contentType: 'text' },
    options: { config, maskSecrets: true, noPhysicFilePath: true },
  });
  return result.messages.map((m) => ({
    engine: 'secretlint',
    rule: m.messageId ? `${m.ruleId}/${m.messageId}` : m.ruleId,
    ...(m.docsUrl ? { rule_url: m.docsUrl } : {}),
    line: m.loc.start.line,
    column: m.loc.start.column + 1,
    severity: 'error',
    message: masked(m.message),
    suggestion: SUGGESTION,
  }));
}
