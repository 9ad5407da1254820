import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentsEnv } from '@nitro/config';
import { CODE_LANGUAGES, ReviewEngineInfoDto } from '@nitro/contracts';
import type { RuleSets } from './review.types';
import { RUFF_RULES_URL } from './ruff-rules.constants';
import { STRUCTURAL_CHECKS } from './structural-checks.util';

/** "a,b" -> ['a', 'b']; `none` (how config clears a list) -> []. */
export function list(value: string): string[] {
  return value === 'none'
    ? []
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** The rule sets of every engine, from the agents config (validated there, see agents.env.ts). */
export function ruleSetsFrom(env: AgentsEnv): RuleSets {
  return {
    ruffSelect: list(env.RUFF_SELECT),
    ruffIgnore: list(env.RUFF_IGNORE),
    eslintJs: list(env.ESLINT_JS_RULE_SETS),
    eslintTs: list(env.ESLINT_TS_RULE_SETS),
    eslintDisabled: list(env.ESLINT_DISABLED_RULES),
    secretlint: env.SECRETLINT_ENABLED,
    goChecks: list(env.GO_CHECKS),
    javaChecks: list(env.JAVA_CHECKS),
  };
}

/** A package's version from its package.json, found from its entry point (not every package exports ./package.json). */
function version(pkg: string): string {
  for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json.name === pkg) return String(json.version);
    }
  }
  return 'unknown';
}
const METRICS = [
  'long-function',
  'high-complexity',
  'deep-nesting',
  'too-many-params',
  'missing-docstring',
  'unused-import',
  'debug-print',
  'todo-comment',
  'syntax-error',
];

/** What GET /agent/list says about the engines: versions, languages, configured rule sets. */
export function describeEngines(rules: RuleSets): ReviewEngineInfoDto[] {
  const nitroSets = Object.fromEntries(
    CODE_LANGUAGES.map((l) => [
      l,
      [...METRICS, ...(STRUCTURAL_CHECKS[l] ?? []).filter((c) => (l === 'go' ? rules.goChecks : rules.javaChecks).includes(c))],
    ]),
  );
  const engines: ReviewEngineInfoDto[] = [
    {
      engine: 'ruff',
      version: version('@astral-sh/ruff-wasm-nodejs'),
      languages: ['python'],
      rule_sets: { python: rules.ruffSelect },
      disabled_rules: rules.ruffIgnore,
      docs_url: RUFF_RULES_URL,
    },
    {
      engine: 'eslint',
      version: version('eslint'),
      languages: ['javascript', 'typescript'],
      rule_sets: { javascript: rules.eslintJs, typescript: rules.eslintTs },
      disabled_rules: rules.eslintDisabled,
      docs_url: 'https://eslint.org/docs/latest/rules/',
    },
    {
      engine: 'nitro',
      version: version('web-tree-sitter'),
      languages: [...CODE_LANGUAGES],
      rule_sets: nitroSets,
      docs_url: 'docs/adr/0005-agents.md',
    },
  ];
  if (rules.secretlint) {
    engines.splice(2, 0, {
      engine: 'secretlint',
      version: version('@secretlint/secretlint-rule-preset-recommend'),
      languages: [...CODE_LANGUAGES],
      rule_sets: { all: ['@secretlint/secretlint-rule-preset-recommend', 'aws access key ids (enableIDScanRule)'] },
      docs_url: 'https://github.com/secretlint/secretlint/tree/master/packages/%40secretlint/secretlint-rule-preset-recommend',
    });
  }
  return engines;
}
