import type { EngineRunDto, FindingDto, FindingEngine } from '@nitro/contracts';
import { collectFindings } from '../code-findings.util';
import { LANGUAGE_SPECS } from '../languages';
import { TreeSitterLoader } from '../tree-sitter.loader';
import { runEslint } from './eslint.engine';
import type { ReviewOutcome, ReviewTask } from './review.types';
import { runRuff } from './ruff.engine';
import { runSecretlint } from './secretlint.engine';
import { structuralFindings } from './structural-checks.util';

const loader = new TreeSitterLoader();

/** nitro findings a real linter reports better (with rule, column, fix): dropped when that linter ran. */
const COVERED_BY_LINTER = new Set(['unused-import', 'syntax-error']);
const ENGINE_ORDER: Record<FindingEngine, number> = { secretlint: 0, ruff: 1, eslint: 2, nitro: 3 };

/** Runs one engine; a crash is reported in `engines`, never fails the review. */
async function engine(
  name: FindingEngine,
  run: () => FindingDto[] | Promise<FindingDto[]>,
  engines: EngineRunDto[],
): Promise<FindingDto[]> {
  try {
    const found = await run();
    engines.push({ engine: name, ran: true, findings: found.length });
    return found;
  } catch (err) {
    engines.push({
      engine: name,
      ran: false,
      findings: 0,
      reason: `${name} failed: ${(err as Error)?.message ?? String(err)}`.slice(0, 300),
    });
    return [];
  }
}

function linterFor(task: ReviewTask): { name: FindingEngine; run: () => FindingDto[] } | null {
  const { code, language, rules } = task;
  if (language === 'python') return { name: 'ruff', run: () => runRuff(code, rules.ruffSelect, rules.ruffIgnore) };
  if (language === 'javascript' || language === 'typescript') {
    const sets = language === 'typescript' ? rules.eslintTs : rules.eslintJs;
    return { name: 'eslint', run: () => runEslint(code, language, sets, rules.eslintDisabled, task.filename) };
  }
  return null;
}

/**
 * One whole static review, meant to run in a worker thread: tree-sitter metrics and structural
 * checks (nitro), the language's linter (Ruff or ESLint) and secretlint. Returns plain data; a
 * parse that runs out of time is a failure the caller caused (422).
 */
export async function runReview(task: ReviewTask): Promise<ReviewOutcome> {
  const spec = LANGUAGE_SPECS[task.language];
  const tree = await loader.parse(spec.grammar, task.code, task.parseTimeoutMs);
  if (!tree)
    return {
      ok: false,
      status: 422,
      code: 'TIMEOUT',
      message: `code could not be parsed within ${task.parseTimeoutMs} ms (CODE_PARSE_TIMEOUT_MS); send a smaller file`,
    };
  let nitro: FindingDto[];
  let analysis: ReturnType<typeof collectFindings>;
  try {
    analysis = collectFindings(tree.rootNode, spec, task.thresholds);
    const checks = task.language === 'go' ? task.rules.goChecks : task.language === 'java' ? task.rules.javaChecks : [];
    nitro = [...analysis.findings, ...structuralFindings(tree.rootNode, task.language, checks)];
  } finally {
    tree.delete(); // WASM memory is not garbage-collected
  }
  const engines: EngineRunDto[] = [];
  const linter = linterFor(task);
  const linted = linter ? await engine(linter.name, linter.run, engines) : [];
  const secrets = task.rules.secretlint ? await engine('secretlint', () => runSecretlint(task.code), engines) : [];
  if (!task.rules.secretlint)
    engines.push({ engine: 'secretlint', ran: false, findings: 0, reason: 'disabled by configuration (SECRETLINT_ENABLED=false)' });
  if (linter && engines.find((e) => e.engine === linter.name)?.ran) nitro = nitro.filter((f) => !COVERED_BY_LINTER.has(f.rule));
  engines.push({ engine: 'nitro', ran: true, findings: nitro.length });
  const findings = [...secrets, ...linted, ...nitro].sort(
    (a, b) =>
      a.line - b.line ||
      (a.column ?? 0) - (b.column ?? 0) ||
      ENGINE_ORDER[a.engine] - ENGINE_ORDER[b.engine] ||
      a.rule.localeCompare(b.rule),
  );
  return { ok: true, functions: analysis.functions, imports: analysis.imports, findings, engines };
}
