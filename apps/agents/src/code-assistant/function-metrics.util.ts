import type { Node } from 'web-tree-sitter';
import { isElseIf, LanguageSpec } from './languages';
import { lineOf, operatorTokens } from './syntax-walk.util';

export interface FunctionMetrics {
  /** Deepest control-flow nesting inside the function (0 = straight-line code). */
  nestingDepth: number;
  /** Line of the innermost block at that depth. */
  deepestLine: number;
  /** 1 + decision points (branches, loops, catches, case labels, && / || ...). */
  complexity: number;
}

/** `case` labels count as decisions, `default` does not (Java puts both in switch_label). */
function isDecision(node: Node, spec: LanguageSpec): boolean {
  if (!spec.decisionTypes.has(node.type)) return false;
  return !(node.type === 'switch_label' && node.text.trimStart().startsWith('default'));
}

/**
 * Metrics of one function, not counting functions nested inside it (they are measured on their
 * own). Iterative with an explicit stack so pathological nesting cannot overflow the call stack.
 */
export function measureFunction(fn: Node, spec: LanguageSpec): FunctionMetrics {
  let complexity = 1;
  let nestingDepth = 0;
  let deepestLine = lineOf(fn);
  const stack: [Node, number][] = [[fn, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (node !== fn && spec.functionTypes.has(node.type)) continue;
    if (isDecision(node, spec)) complexity++;
    if (spec.logicalTypes.has(node.type) && operatorTokens(node).some((op) => spec.logicalOperators.has(op))) complexity++;
    let inner = depth;
    if (spec.nestingTypes.has(node.type) && !isElseIf(node)) {
      inner = depth + 1;
      if (inner > nestingDepth) {
        nestingDepth = inner;
        deepestLine = lineOf(node);
      }
    }
    for (let i = node.childCount - 1; i >= 0; i--) {
      const child = node.child(i);
      if (child) stack.push([child, inner]);
    }
  }
  return { nestingDepth, deepestLine, complexity };
}
