import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as config from '@nitro/config';

/**
 * docs/configuration.md and .env.example, generated from the env classes of libs/config (names,
 * defaults, types and doc comments) so they cannot drift from the code. Regenerate with
 * `bash scripts/gen-config-docs.sh`; test/deploy/config-docs fails when either file is stale.
 */
const ROOT = join(__dirname, '..', '..');
const CONFIG_SRC = join(ROOT, 'libs', 'config', 'src');

export const APPS = ['gateway', 'ai-router', 'media', 'voice', 'search', 'agents'] as const;
type App = (typeof APPS)[number];
type Ctor = new () => object;

/** Secrets: never in a ConfigMap or an image; each can also be read from a file (`NAME_FILE`). */
export function isSecret(name: string): boolean {
  return /(SECRET|PASSWORD|_TOKEN|API_KEY|_AUTH|ACCESS_KEY_ID|CREDENTIALS)$/.test(name);
}

interface Declared {
  cls: string;
  parent?: string;
  props: Map<string, { doc: string; type?: string; section?: string }>;
}

/** Every class in libs/config/src/*.env.ts with its properties' doc comments, annotated types and `// --- section ---`. */
function readSources(): Map<string, Declared> {
  const classes = new Map<string, Declared>();
  for (const file of readdirSync(CONFIG_SRC).filter((f) => f.endsWith('.env.ts'))) {
    const text = readFileSync(join(CONFIG_SRC, file), 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    sf.forEachChild((node) => {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      const parent = node.heritageClauses?.[0]?.types[0]?.expression.getText(sf);
      const decl: Declared = { cls: node.name.text, parent, props: new Map() };
      let section: string | undefined;
      for (const m of node.members) {
        if (!ts.isPropertyDeclaration(m) || !ts.isIdentifier(m.name)) continue;
        for (const c of ts.getLeadingCommentRanges(text, m.getFullStart()) ?? []) {
          const s = /^\/\/\s*---\s*(.+?)\s*---/.exec(text.slice(c.pos, c.end));
          if (s) section = s[1];
        }
        const doc = ts
          .getJSDocCommentsAndTags(m)
          .map((d) => ts.getTextOfJSDocComment((d as ts.JSDoc).comment) ?? '')
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim();
        decl.props.set(m.name.text, { doc, type: m.type?.getText(sf), section });
      }
      classes.set(decl.cls, decl);
    });
  }
  return classes;
}

/**
 * Descriptions for variables whose declaration has no doc comment yet (a comment in the env class
 * wins over these). Prefer adding a comment to the class: this list only fills gaps.
 */
const DOCS: Record<string, string> = {
  REDIS_URL: 'Redis for the transport, sessions, queues and caches (redis:// or rediss://).',
  LOG_LEVEL: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
  NODE_ENV: '`production` makes missing production settings (e.g. JWT_SECRET) fatal.',
  PORT: 'HTTP port of the gateway.',
  HOST: 'Address the gateway listens on (scripts/start.sh sets 127.0.0.1 unless HOST is given).',
  API_KEYS_MAX_PER_USER: 'API keys one user may hold.',
  LOGIN_MAX_FAILURES_PER_IP: 'Failed logins allowed per client IP within LOGIN_LOCKOUT_S before 429.',
  LOGIN_LOCKOUT_S: 'Window, seconds, of the failed-login counters.',
  RATE_LIMIT_WINDOW_S: 'Window, seconds, of the per-user rate limits below.',
  RATE_LIMIT_CHAT: 'Chat requests per user per window (0 = unlimited).',
  RATE_LIMIT_IMAGE: 'Image requests per user per window (0 = unlimited).',
  RATE_LIMIT_VOICE: 'Voice requests per user per window (0 = unlimited).',
  RATE_LIMIT_SEARCH: 'Search requests per user per window (0 = unlimited).',
  RATE_LIMIT_AGENTS: 'Agent requests per user per window (0 = unlimited).',
  BODY_LIMIT_CHAT: 'JSON body limit of chat routes, bytes.',
  BODY_LIMIT_IMAGE: 'JSON body limit of image routes, bytes.',
  BODY_LIMIT_VOICE: 'JSON body limit of voice routes, bytes.',
  BODY_LIMIT_SEARCH: 'JSON body limit of search routes, bytes.',
  BODY_LIMIT_AGENTS: 'JSON body limit of agent routes, bytes.',
  OLLAMA_HOST: 'Ollama server URL (e.g. http://ollama:11434); provider "ollama" in AI_PROVIDERS.',
  OLLAMA_MODEL: 'Ollama model to chat with (pull it first: ollama pull <model>).',
  OLLAMA_TIMEOUT_MS: 'Timeout of one Ollama call, ms.',
  GEMINI_MODEL: 'Gemini model id (needs GEMINI_API_KEY).',
  BRAVE_API_KEY: 'Brave Search API key; enables provider "brave" in SEARCH_PROVIDERS.',
  BRAVE_URL: 'Brave Search API base URL.',
  YOUTUBE_URL: 'YouTube Data API base URL (video search with YOUTUBE_API_KEY).',
  FETCH_MAX_PAGES: 'Result pages fetched at most for one summary.',
  FETCH_MAX_REDIRECTS: 'Redirects followed when fetching a result page.',
  FETCH_TIMEOUT_MS: 'Timeout of one result-page fetch, ms.',
  PROVIDER_BACKOFF_MAX_MS: 'Longest pause after a provider asked us to slow down, ms.',
  SUMMARY_MAX_TOKENS: 'Longest AI summary, tokens.',
  SUMMARY_TEMPERATURE: 'Sampling temperature of AI summaries.',
  A1111_STEPS: 'Sampling steps per image on AUTOMATIC1111.',
  A1111_TIMEOUT_MS: 'Timeout of one AUTOMATIC1111 call, ms.',
  OPENAI_IMAGES_API_KEY: 'API key of the OpenAI-compatible images endpoint; enables provider "openai".',
  OPENAI_IMAGES_MODEL: 'Image model on the OpenAI-compatible endpoint.',
  OPENAI_IMAGES_TIMEOUT_MS: 'Timeout of one OpenAI images call, ms.',
  STABILITY_BASE_URL: 'Stability AI API base URL.',
  STABILITY_TIMEOUT_MS: 'Timeout of one Stability AI call, ms.',
  HF_MODEL: 'Hugging Face text-to-image model id.',
  HF_TIMEOUT_MS: 'Timeout of one Hugging Face call, ms.',
  FFMPEG_PATH: 'ffmpeg binary (transcoding browser audio).',
  FFPROBE_PATH: 'ffprobe binary (audio duration).',
  POCKETSPHINX_PATH: 'pocketsphinx_continuous binary (offline speech-to-text).',
  FLITE_PATH: 'flite binary (offline text-to-speech, English).',
  ESPEAK_PATH: 'espeak-ng binary (offline text-to-speech, other languages).',
  WHISPER_TIMEOUT_MS: 'Timeout of one Whisper server call, ms.',
  SCAN_MAX_DEPTH: 'Deepest folder level a directory analysis visits.',
  SCAN_MAX_FILES: 'Most files a directory analysis reads.',
  TASKS_MAX_PER_USER: 'Scheduled tasks one user may have.',
  LLM_MAX_TOKENS: 'Longest AI answer an agent asks for, tokens.',
};

export interface Variable {
  name: string;
  apps: App[];
  type: string;
  /** Per app (an override may change it). */
  defaults: Partial<Record<App, string>>;
  doc: string;
  section?: string;
  secret: boolean;
  /** Declared by CommonEnv: every service reads it. */
  common: boolean;
}

function classOf(app: App): Ctor {
  const name =
    app
      .split('-')
      .map((p) => p[0].toUpperCase() + p.slice(1))
      .join('') + 'Env';
  return (config as unknown as Record<string, Ctor>)[name];
}

function show(v: unknown): string {
  if (v === undefined || v === '') return '';
  // A @CommaList default is an array: shown as the variable is written.
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The variables, from the classes at run time (defaults as evaluated) and their source (docs, types). */
export function collectVariables(): Variable[] {
  const sources = readSources();
  const byName = new Map<string, Variable>();
  for (const app of APPS) {
    const cls = classOf(app);
    const instance = new cls() as Record<string, unknown>;
    for (const key of Object.keys(instance)) {
      // Nearest declaration up the chain: the class's own doc comment wins over its parent's.
      let doc = '';
      let type: string | undefined;
      let section: string | undefined;
      let owner = sources.get(cls.name);
      let declaredBy = '';
      while (owner) {
        const p = owner.props.get(key);
        if (p) {
          declaredBy ||= owner.cls;
          doc ||= p.doc;
          type ??= p.type;
          section ??= p.section;
        }
        owner = owner.parent ? sources.get(owner.parent) : undefined;
      }
      doc ||= DOCS[key] ?? '';
      const v = byName.get(key) ?? {
        name: key,
        apps: [],
        type: Array.isArray(instance[key]) ? 'comma list' : (type ?? (typeof instance[key] === 'object' ? 'string' : typeof instance[key])),
        defaults: {},
        doc,
        section,
        secret: isSecret(key),
        common: declaredBy === 'CommonEnv',
      };
      v.apps.push(app);
      v.defaults[app] = show(instance[key]);
      if (!v.doc && doc) v.doc = doc;
      byName.set(key, v);
    }
  }
  return [...byName.values()];
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => (s === '' ? '(empty)' : '`' + s.replace(/`/g, "'") + '`');

function defaultFor(v: Variable, app?: App): string {
  const values = [...new Set(Object.values(v.defaults))];
  if (app) return code(v.defaults[app] ?? '');
  return values.length === 1 ? code(values[0] ?? '') : v.apps.map((a) => `${a}: ${code(v.defaults[a] ?? '')}`).join(', ');
}

function table(vars: Variable[], app?: App): string[] {
  const rows = ['| variable | type | default | secret | description |', '|---|---|---|---|---|'];
  let section: string | undefined;
  for (const v of vars) {
    if (v.section && v.section !== section) {
      section = v.section;
      rows.push(`| **${esc(section)}** | | | | |`);
    }
    const also = app && v.apps.length > 1 && !v.common ? ` (also read by ${v.apps.filter((a) => a !== app).join(', ')})` : '';
    rows.push(`| \`${v.name}\` | ${esc(v.type)} | ${esc(defaultFor(v, app))} | ${v.secret ? 'yes' : ''} | ${esc(v.doc)}${also} |`);
  }
  return rows;
}

export function renderConfigurationMd(vars = collectVariables()): string {
  const out = [
    '# Configuration reference',
    '',
    '<!-- Generated from libs/config/src/*.env.ts by tools/config-doc (bash scripts/gen-config-docs.sh). Do not edit by hand:',
    '     test/deploy/config-docs fails when this file is out of date. -->',
    '',
    'Every service reads its settings from environment variables, validated at start (a bad value stops the',
    'process naming the variable). Unset or empty means the default. A **secret** can instead be read from a',
    'file: set `NAME_FILE=/run/secrets/name` (Docker/Kubernetes secret mounts) and leave `NAME` unset. Keep',
    'secrets out of ConfigMaps and images; [deploy.md](deploy.md) shows where they go for compose and Kubernetes.',
    '',
    '## Every service',
    '',
    ...table(vars.filter((v) => v.common)),
  ];
  for (const app of APPS) {
    out.push(
      '',
      `## ${app}`,
      '',
      ...table(
        vars.filter((v) => !v.common && v.apps.includes(app)),
        app,
      ),
    );
  }
  return out.join('\n') + '\n';
}

/** Variables docker-compose.yml substitutes that no service declares (Compose, MinIO, Grafana). */
const COMPOSE_ONLY: Record<string, { doc: string; secret?: boolean }> = {
  MINIO_ROOT_USER: { doc: 'MinIO root user; the gateway and media use it as S3_ACCESS_KEY_ID.' },
  MINIO_ROOT_PASSWORD: { doc: 'MinIO root password; the gateway and media use it as S3_SECRET_ACCESS_KEY.', secret: true },
  GRAFANA_ADMIN_PASSWORD: { doc: 'Grafana admin password (profile monitoring).', secret: true },
  NITRO_REGISTRY: { doc: 'Registry the images are pulled from (the release workflow pushes to vars.NITRO_REGISTRY).' },
  NITRO_TAG: { doc: 'Image tag to run: a release version or a commit sha. Unset: "local", built from this checkout.' },
  NITRO_HTTP_PUBLISH: { doc: 'Host port nginx publishes.' },
};

/** `${VAR:?msg}` (required) and `${VAR:-default}` uses in docker-compose.yml, in order of first use. */
export function composeVariables(composeText: string): { name: string; required: boolean; fallback: string }[] {
  const seen = new Map<string, { name: string; required: boolean; fallback: string }>();
  const uncommented = composeText.replace(/^\s*#.*$/gm, '');
  for (const m of uncommented.matchAll(/\$\{(\w+)(?::([?-])([^}]*))?\}/g)) {
    const cur = seen.get(m[1]) ?? { name: m[1], required: false, fallback: '' };
    if (m[2] === '?') cur.required = true;
    if (m[2] === '-' && !cur.fallback) cur.fallback = m[3];
    seen.set(m[1], cur);
  }
  return [...seen.values()];
}

export function renderEnvExample(vars = collectVariables(), composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')): string {
  const byName = new Map(vars.map((v) => [v.name, v]));
  const out = [
    '# Generated from libs/config and docker-compose.yml by tools/config-doc (bash scripts/gen-config-docs.sh): do not edit by hand.',
    '# For `docker compose`: cp .env.example .env, fill in the required values. Never commit .env.',
    '# Compose reads this file for ${VAR} substitution only; each container gets just the variables listed',
    '# under it in docker-compose.yml. Every other setting: docs/configuration.md.',
    'COMPOSE_PROJECT_NAME=nitro-ai',
  ];
  for (const c of composeVariables(composeText)) {
    const v = byName.get(c.name);
    const only = COMPOSE_ONLY[c.name];
    if (!v && !only)
      throw new Error(`docker-compose.yml uses \${${c.name}}, which no service declares and tools/config-doc does not describe`);
    const doc = v ? `${v.doc || c.name} (${v.apps.join(', ')})` : only.doc;
    const secret = v ? v.secret : !!only.secret;
    out.push('', `# ${doc}${secret ? ' [secret]' : ''}${c.required ? ' [required]' : ''}`, `${c.name}=${c.required ? '' : c.fallback}`);
  }
  return out.join('\n') + '\n';
}
