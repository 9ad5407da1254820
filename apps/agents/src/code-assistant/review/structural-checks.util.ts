import type { Node } from 'web-tree-sitter';
import type { CodeLanguage, FindingDto } from '@nitro/contracts';

/** nitro checks that are reliable from the syntax tree alone (no compiler, no types), per language. */
export const STRUCTURAL_CHECKS: Partial<Record<CodeLanguage, readonly string[]>> = {
  go: ['ignored-error', 'empty-error-check'],
  java: ['empty-catch'],
};

const GO_ERRORS_URL = 'https://go.dev/doc/effective_go#errors';
const EMPTY_CATCH_URL = 'https://pmd.github.io/pmd/pmd_rules_java_errorprone.html#emptycatchblock';

/** A block with no statements and no comment in it (a comment says the emptiness is deliberate). */
function isEmptyBlock(block: Node | null): boolean {
  return !!block && block.namedChildren.every((c) => !c || (c.type === 'statement_list' && c.namedChildCount === 0));
}

function finding(rule: string, node: Node, message: string, suggestion: string, url: string): FindingDto {
  return {
    engine: 'nitro',
    rule,
    rule_url: url,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    severity: 'warning',
    message,
    suggestion,
  };
}

/** `_ = f()` / `_, _ = f()`: every result of a call thrown away, an error among them if f returns one. */
function goIgnoredErrors(root: Node): FindingDto[] {
  const out: FindingDto[] = [];
  for (const stmt of root.descendantsOfType('assignment_statement')) {
    if (!stmt || stmt.childForFieldName('operator')?.text !== '=') continue;
    const left = stmt.childForFieldName('left')?.namedChildren ?? [];
    const right = stmt.childForFieldName('right')?.namedChildren ?? [];
    if (!left.length || !left.every((n) => n?.type === 'identifier' && n.text === '_')) continue;
    const call = right.length === 1 && right[0]?.type === 'call_expression' ? right[0] : null;
    if (!call) continue;
    const callee = call.childForFieldName('function')?.text ?? 'the call';
    out.push(
      finding(
        'ignored-error',
        stmt,
        `The result of ${callee}() is discarded with "_ ="; if it returns an error, that error is silently ignored`,
        'Handle the error (return it wrapped with context, or log it) or say in a comment why it cannot fail.',
        GO_ERRORS_URL,
      ),
    );
  }
  return out;
}

/** `if err != nil {}`: the error is checked and then dropped. */
function goEmptyErrorChecks(root: Node): FindingDto[] {
  const out: FindingDto[] = [];
  for (const stmt of root.descendantsOfType('if_statement')) {
    if (!stmt) continue;
    const cond = stmt.childForFieldName('condition');
    if (cond?.type !== 'binary_expression' || cond.childForFieldName('operator')?.text !== '!=') continue;
    const [a, b] = [cond.childForFieldName('left'), cond.childForFieldName('right')];
    const errSide = a?.type === 'nil' ? b : b?.type === 'nil' ? a : null;
    if (!errSide || !/(^|\.)(err|\w+Err|\w+Error)$/.test(errSide.text)) continue;
    if (!isEmptyBlock(stmt.childForFieldName('consequence'))) continue;
    out.push(
      finding(
        'empty-error-check',
        stmt,
        `"if ${cond.text} {}" checks the error and then ignores it`,
        'Return the error (wrapped with fmt.Errorf("...: %w", err)), log it, or remove the check and say why the error does not matter.',
        GO_ERRORS_URL,
      ),
    );
  }
  return out;
}

/** `catch (E e) {}` with nothing inside, not even a comment. */
function javaEmptyCatches(root: Node): FindingDto[] {
  const out: FindingDto[] = [];
  for (const clause of root.descendantsOfType('catch_clause')) {
    if (!clause || !isEmptyBlock(clause.childForFieldName('body'))) continue;
    const type =
      clause.namedChildren.find((c) => c?.type === 'catch_formal_parameter')?.namedChildren.find((c) => c?.type === 'catch_type')?.text ??
      'the exception';
    out.push(
      finding(
        'empty-catch',
        clause,
        `Empty catch block swallows ${type}`,
        'Handle it, log it, rethrow it wrapped, or leave a comment in the block saying why it is safe to ignore.',
        EMPTY_CATCH_URL,
      ),
    );
  }
  return out;
}

/** Runs the enabled structural checks of the language on a parsed tree. */
export function structuralFindings(root: Node, language: CodeLanguage, enabled: string[]): FindingDto[] {
  const on = new Set(enabled);
  if (language === 'go')
    return [...(on.has('ignored-error') ? goIgnoredErrors(root) : []), ...(on.has('empty-error-check') ? goEmptyErrorChecks(root) : [])];
  if (language === 'java' && on.has('empty-catch')) return javaEmptyCatches(root);
  return [];
}
