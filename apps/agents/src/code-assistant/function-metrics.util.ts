import type { Node } from 'web-tree-sitter';
import { LanguageSpec } from './languages';
import { lineOf, traverse } from './syntax-walk.util';

export interface FunctionMetrics {
  /** Deepest control-flow nesting inside the function (0 = straight-line code). */
  nestingDepth: number;
  /** Line of the innermost block at that depth. */
  deepestLine: number;
  /** 1 + decision points (branches, loops, catches, case labels, && / || ...). */
  complexity: number;
}

/**
 * Metrics of one function, not counting functions nested inside it (they are measured on their
 * own). Operators are counted as the anonymous tokens (`&&`, `or`) under a logical node; an `if`
 * directly under an `else` (else-if) continues a chain rather than nesting deeper.
 */
export function measureFunction(fn: Node, spec: LanguageSpec): FunctionMetrics {
  let complexity = 1;
  let nestingDepth = 0;
  let deepestLine = lineOf(fn);
  let depth = 0;
  const nests: boolean[] = [];
  traverse(
    fn,
    (c, parent) => {
      const type = c.nodeType;
      const nested = parent !== undefined && spec.functionTypes.has(type);
      if (!c.nodeIsNamed) {
        if (parent && spec.logicalTypes.has(parent) && spec.logicalOperators.has(type)) complexity++;
        nests.push(false);
        return false;
      }
      if (nested) {
        nests.push(false);
        return false;
      }
      // `case` labels count, `default` does not (Java puts both in switch_label).
      if (spec.decisionTypes.has(type) && !(type === 'switch_label' && c.nodeText.trimStart().startsWith('default'))) complexity++;
      const opens = spec.nestingTypes.has(type) && !(type === 'if_statement' && (parent === 'else_clause' || parent === 'if_statement'));
      nests.push(opens);
      if (opens && ++depth > nestingDepth) {
        nestingDepth = depth;
        deepestLine = c.startPosition.row + 1;
      }
      return true;
    },
    () => {
      if (nests.pop()) depth--;
    },
  );
  return { nestingDepth, deepestLine, complexity };
}
