import type { FindingSeverity } from '@nitro/contracts';

/** Ruff's rule index: every code is listed there with a link to its page. */
export const RUFF_RULES_URL = 'https://docs.astral.sh/ruff/rules/';

/**
 * Ruff's WASM build reports a rule's code (B006) but not its name, and a rule's page is named
 * after the name (docs.astral.sh/ruff/rules/mutable-argument-default/). These are the names of the
 * rules the default RUFF_SELECT reports most; each is checked against the strings in the Ruff
 * 0.17.3 binary by ruff.engine.spec.ts. Other codes link to the rule index.
 */
export const RUFF_RULE_NAMES: Record<string, string> = {
  B006: 'mutable-argument-default',
  B007: 'unused-loop-control-variable',
  B008: 'function-call-in-default-argument',
  B011: 'assert-false',
  B012: 'jump-statement-in-finally',
  B017: 'assert-raises-exception',
  B018: 'useless-expression',
  B023: 'function-uses-loop-variable',
  B904: 'raise-without-from-inside-except',
  E401: 'multiple-imports-on-one-line',
  E402: 'module-import-not-at-top-of-file',
  E701: 'multiple-statements-on-one-line-colon',
  E702: 'multiple-statements-on-one-line-semicolon',
  E703: 'useless-semicolon',
  E711: 'none-comparison',
  E712: 'true-false-comparison',
  E713: 'not-in-test',
  E714: 'not-is-test',
  E721: 'type-comparison',
  E722: 'bare-except',
  E731: 'lambda-assignment',
  E741: 'ambiguous-variable-name',
  F401: 'unused-import',
  F403: 'undefined-local-with-import-star',
  F405: 'undefined-local-with-import-star-usage',
  F541: 'f-string-missing-placeholders',
  F632: 'is-literal',
  F811: 'redefined-while-unused',
  F821: 'undefined-name',
  F841: 'unused-variable',
  S101: 'assert',
  S102: 'exec-builtin',
  S104: 'hardcoded-bind-all-interfaces',
  S105: 'hardcoded-password-string',
  S106: 'hardcoded-password-func-arg',
  S107: 'hardcoded-password-default',
  S108: 'hardcoded-temp-file',
  S110: 'try-except-pass',
  S112: 'try-except-continue',
  S113: 'request-without-timeout',
  S301: 'suspicious-pickle-usage',
  S307: 'suspicious-eval-usage',
  S311: 'suspicious-non-cryptographic-random-usage',
  S324: 'hashlib-insecure-hash-function',
  S403: 'suspicious-pickle-import',
  S404: 'suspicious-subprocess-import',
  S501: 'request-with-no-cert-validation',
  S506: 'unsafe-yaml-load',
  S602: 'subprocess-popen-with-shell-equals-true',
  S603: 'subprocess-without-shell-equals-true',
  S605: 'start-process-with-a-shell',
  S607: 'start-process-with-partial-path',
  S608: 'hardcoded-sql-expression',
  SIM102: 'collapsible-if',
  SIM105: 'suppressible-exception',
  SIM108: 'if-else-block-instead-of-if-exp',
  SIM115: 'open-file-with-context-handler',
  SIM118: 'in-dict-keys',
};

/** The rule's own page when its name is known, else the index (which lists every code). */
export function ruffRuleUrl(code: string): string {
  const name = RUFF_RULE_NAMES[code];
  return name ? `${RUFF_RULES_URL}${name}/` : RUFF_RULES_URL;
}

/**
 * Severity by what a rule family means: code that cannot run (syntax, undefined names, pylint
 * errors) is an error; security (S) and likely bugs (B, other pyflakes, E7) are warnings; style
 * and simplifications are info.
 */
export function ruffSeverity(code: string): FindingSeverity {
  if (code === 'invalid-syntax' || /^(E9|F63|F7|F82|PLE)/.test(code)) return 'error';
  if (/^(S|B|F|E7)/.test(code)) return 'warning';
  return 'info';
}
