import type { Node } from 'web-tree-sitter';
import type { FindingDto, FindingSeverity, FunctionInfoDto } from '@nitro/contracts';
import { ImportedName, LanguageSpec } from './languages';
import { measureFunction } from './function-metrics.util';
import { endLineOf, lineOf, traverse } from './syntax-walk.util';

export interface Thresholds {
  maxFunctionLines: number;
  maxNesting: number;
  maxComplexity: number;
  maxParams: number;
}

export interface StaticAnalysis {
  functions: FunctionInfoDto[];
  imports: string[];
  findings: FindingDto[];
}

const MAX_SYNTAX_ERRORS = 5;
const MAX_FUNCTIONS_LISTED = 500;
/** Node types a debug print can be (every language's call node, and `debugger`). */
const DEBUG_CANDIDATES = new Set(['call', 'call_expression', 'method_invocation', 'debugger_statement']);
const TODO_RE = /\b(TODO|FIXME|XXX|HACK)\b:?\s*(.*)/;

function finding(rule: string, line: number, severity: FindingSeverity, message: string, suggestion: string, symbol?: string): FindingDto {
  return { engine: 'nitro', rule, line, severity, message, suggestion, ...(symbol ? { symbol } : {}) };
}

/** One finding per TODO/FIXME line inside a comment (block comments may hold several). */
function todoFindings(comment: Node): FindingDto[] {
  const out: FindingDto[] = [];
  comment.text.split('\n').forEach((text, offset) => {
    const m = TODO_RE.exec(text);
    if (!m) return;
    const note = m[2].replace(/\*\/\s*$/, '').trim();
    const severity = m[1] === 'TODO' ? 'info' : 'warning';
    out.push(
      finding(
        'todo-comment',
        lineOf(comment) + offset,
        severity,
        `${m[1]} comment${note ? `: ${note.slice(0, 120)}` : ''}`,
        'Do it now, or track it in the issue tracker and link the issue here.',
      ),
    );
  });
  return out;
}

function functionFindings(fn: Node, spec: LanguageSpec, t: Thresholds): { info: FunctionInfoDto; findings: FindingDto[] } {
  const name = spec.functionName(fn);
  const start = lineOf(fn);
  const lines = endLineOf(fn) - start + 1;
  const metrics = measureFunction(fn, spec);
  const documented = spec.hasDoc(fn);
  const params = spec.paramCount(fn);
  const info: FunctionInfoDto = {
    name,
    start_line: start,
    end_line: endLineOf(fn),
    lines,
    params,
    nesting_depth: metrics.nestingDepth,
    complexity: metrics.complexity,
    documented,
  };
  const out: FindingDto[] = [];
  if (lines > t.maxFunctionLines)
    out.push(
      finding(
        'long-function',
        start,
        'warning',
        `Function "${name}" is ${lines} lines long (limit ${t.maxFunctionLines})`,
        'Split it into smaller functions that each do one thing.',
        name,
      ),
    );
  if (metrics.complexity > t.maxComplexity)
    out.push(
      finding(
        'high-complexity',
        start,
        'warning',
        `Function "${name}" has cyclomatic complexity ~${metrics.complexity} (limit ${t.maxComplexity})`,
        'Extract branches into helpers, return early, or replace condition chains with a lookup table.',
        name,
      ),
    );
  if (metrics.nestingDepth > t.maxNesting)
    out.push(
      finding(
        'deep-nesting',
        metrics.deepestLine,
        'warning',
        `Function "${name}" nests control flow ${metrics.nestingDepth} levels deep (limit ${t.maxNesting})`,
        'Use guard clauses (return/continue early) or move the inner block into its own function.',
        name,
      ),
    );
  if (params > t.maxParams)
    out.push(
      finding(
        'too-many-params',
        start,
        'info',
        `Function "${name}" takes ${params} parameters (limit ${t.maxParams})`,
        'Group related parameters into an object or a small type.',
        name,
      ),
    );
  if (!documented && spec.wantsDoc(fn, name))
    out.push(
      finding(
        'missing-docstring',
        start,
        'info',
        `Function "${name}" has no ${spec.language === 'python' ? 'docstring' : 'doc comment'}`,
        spec.docHint,
        name,
      ),
    );
  return { info, findings: out };
}

/**
 * Everything the syntax tree tells about a file, in one walk: functions with their metrics,
 * imports and whether each is used, debug prints, TODO/FIXME comments and syntax errors.
 */
export function collectFindings(root: Node, spec: LanguageSpec, t: Thresholds): StaticAnalysis {
  const findings: FindingDto[] = [];
  const functions: FunctionInfoDto[] = [];
  const imported: ImportedName[] = [];
  const used = new Set<string>();
  let syntaxErrors = 0;
  traverse(root, (c) => {
    const type = c.nodeType;
    if ((type === 'ERROR' || c.nodeIsMissing) && syntaxErrors++ < MAX_SYNTAX_ERRORS) {
      const what = c.nodeIsMissing ? `missing "${type}"` : `unexpected "${c.nodeText.split('\n')[0].slice(0, 40)}"`;
      findings.push(
        finding(
          'syntax-error',
          c.startPosition.row + 1,
          'error',
          `Syntax error: ${what}`,
          'Fix the syntax first; findings after this point may be incomplete.',
        ),
      );
    }
    if (!c.nodeIsNamed) return false;
    if (spec.identifierTypes.has(type)) {
      used.add(c.nodeText);
      return false;
    }
    // Only these need a Node object (and its children); everything else stays on the cursor.
    if (spec.importTypes.has(type)) {
      imported.push(...spec.imports(c.currentNode));
      return false; // an import's own names are not uses
    }
    if (spec.commentTypes.has(type)) findings.push(...todoFindings(c.currentNode));
    if (spec.functionTypes.has(type)) {
      const f = functionFindings(c.currentNode, spec, t);
      if (functions.length < MAX_FUNCTIONS_LISTED) functions.push(f.info);
      findings.push(...f.findings);
    }
    if (DEBUG_CANDIDATES.has(type)) {
      const print = spec.debugPrint(c.currentNode);
      if (print) findings.push(finding('debug-print', c.startPosition.row + 1, 'warning', `${print} left in the code`, spec.printHint));
    }
    return true;
  });
  for (const imp of imported) {
    if (used.has(imp.name)) continue;
    const severity = spec.language === 'go' ? 'error' : 'warning'; // Go refuses to compile an unused import
    findings.push(
      finding('unused-import', imp.line, severity, `Import "${imp.label}" is never used`, `Remove the import of ${imp.name}.`, imp.name),
    );
  }
  findings.sort((a, b) => a.line - b.line || a.rule.localeCompare(b.rule));
  return { functions, imports: imported.map((i) => i.label), findings };
}
