import js from '@eslint/js';
import { Linter } from 'eslint';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import type { FindingDto, FindingSeverity, FixEditDto } from '@nitro/contracts';

// Neither plugin ships type declarations.
const security = require('eslint-plugin-security');
const noUnsanitized = require('eslint-plugin-no-unsanitized');
const { builtinRules } = require('eslint/use-at-your-own-risk') as { builtinRules: Map<string, { meta?: RuleMeta }> };

interface RuleMeta {
  type?: string;
  docs?: { url?: string };
}

/** The rule sets ESLINT_JS_RULE_SETS / ESLINT_TS_RULE_SETS may name. */
export const ESLINT_RULE_SETS = ['recommended', 'typescript', 'security', 'no-unsanitized'] as const;

/** Core rules added to the security set: eval and its relatives, whatever the argument. */
const EVAL_RULES: Linter.RulesRecord = { 'no-eval': 'error', 'no-implied-eval': 'error', 'no-new-func': 'error' };

const SET_CONFIGS: Record<string, () => Linter.Config[]> = {
  recommended: () => [js.configs.recommended],
  // typescript-eslint's recommended set without type information: syntax only, no tsconfig, no program.
  typescript: () => tseslint.configs.recommended as Linter.Config[],
  security: () => [security.configs.recommended, { rules: EVAL_RULES }],
  'no-unsanitized': () => [noUnsanitized.configs.recommended],
};

/** Rules whose findings are security issues: reported as warnings whatever ESLint's own type says. */
const SECURITY_RULE = /^(security\/|no-unsanitized\/|no-eval$|no-implied-eval$|no-new-func$)/;

const linter = new Linter({ configType: 'flat' });
const configs = new Map<string, Linter.Config[]>();

function ruleMeta(ruleId: string): RuleMeta | undefined {
  const slash = ruleId.lastIndexOf('/');
  if (slash < 0) return builtinRules.get(ruleId)?.meta;
  const [plugin, name] = [ruleId.slice(0, slash), ruleId.slice(slash + 1)];
  if (plugin === 'security') return security.rules[name]?.meta;
  if (plugin === 'no-unsanitized') return noUnsanitized.rules[name]?.meta;
  if (plugin === '@typescript-eslint') return (tseslint.plugin as { rules?: Record<string, { meta?: RuleMeta }> }).rules?.[name]?.meta;
  return undefined;
}

/** Documentation page of a rule: the plugin's own, or eslint.org for core rules. */
export function eslintRuleUrl(ruleId: string): string | undefined {
  return ruleMeta(ruleId)?.docs?.url ?? (ruleId.includes('/') ? undefined : `https://eslint.org/docs/latest/rules/${ruleId}`);
}

function configFor(sets: string[], disabled: string[], typescript: boolean): Linter.Config[] {
  const key = `${typescript}|${sets.join(',')}|${disabled.join(',')}`;
  let config = configs.get(key);
  if (!config) {
    config = [
      {
        files: ['**/*'],
        languageOptions: {
          ecmaVersion: 'latest',
          sourceType: 'module',
          globals: { ...globals.browser, ...globals.node },
          parserOptions: { ecmaFeatures: { jsx: true } },
        },
      },
      ...sets.flatMap((s) => SET_CONFIGS[s]?.() ?? []),
      ...(typescript ? [{ files: ['**/*'], languageOptions: { parser: tseslint.parser as Linter.Parser } }] : []),
      { linterOptions: { reportUnusedDisableDirectives: 'off' }, rules: Object.fromEntries(disabled.map((r) => [r, 'off'])) },
    ];
    configs.set(key, config);
  }
  return config;
}

/** 1-based line and column of a string offset (ESLint fixes are offset ranges). */
function position(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
}

function toEdit(lineStarts: number[], fix: { range: [number, number]; text: string }): FixEditDto {
  const start = position(lineStarts, fix.range[0]);
  const end = position(lineStarts, fix.range[1]);
  return { line: start.line, column: start.column, end_line: end.line, end_column: end.column, text: fix.text };
}

function severity(m: Linter.LintMessage): FindingSeverity {
  if (m.fatal || !m.ruleId) return 'error';
  if (SECURITY_RULE.test(m.ruleId)) return 'warning';
  return ruleMeta(m.ruleId)?.type === 'problem' ? 'warning' : 'info';
}

/**
 * Lints JavaScript or TypeScript with ESLint's Linter (no files, no config lookup) and the given
 * rule sets; `filename` only decides JSX. A parse error is one finding (rule `parse-error`).
 * Lines and columns are 1-based, as ESLint reports them.
 */
export function runEslint(
  code: string,
  language: 'javascript' | 'typescript',
  sets: string[],
  disabled: string[],
  filename?: string,
): FindingDto[] {
  const typescript = language === 'typescript';
  const ext = typescript ? (/\.tsx$/i.test(filename ?? '') ? 'tsx' : 'ts') : /\.jsx$/i.test(filename ?? '') ? 'jsx' : 'js';
  const messages = linter.verify(code, configFor(sets, disabled, typescript), { filename: `snippet.${ext}` });
  const lineStarts = [0];
  for (let i = code.indexOf('\n'); i >= 0; i = code.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return messages.map((m) => {
    const rule = m.ruleId ?? 'parse-error';
    const url = m.ruleId ? eslintRuleUrl(m.ruleId) : undefined;
    const offered = m.fix ?? m.suggestions?.[0]?.fix;
    const finding: FindingDto = {
      engine: 'eslint',
      rule,
      ...(url ? { rule_url: url } : {}),
      line: m.line || 1,
      column: m.column || 1,
      severity: severity(m),
      message: m.message,
      suggestion:
        m.suggestions?.[0]?.desc ??
        (m.fix
          ? 'ESLint can fix this automatically (see fix).'
          : url
            ? `See ${url}.`
            : 'Fix the syntax first; other findings may be missing.'),
    };
    if (offered) finding.fix = { description: m.suggestions?.[0]?.desc ?? 'ESLint autofix', edits: [toEdit(lineStarts, offered)] };
    return finding;
  });
}
