import type { Node } from 'web-tree-sitter';

/** 1-based line of a node's first character. */
export const lineOf = (node: Node): number => node.startPosition.row + 1;
export const endLineOf = (node: Node): number => node.endPosition.row + 1;

/**
 * Pre-order walk without recursion: generated code (long `a + a + ...` chains) nests deeper than
 * the JS call stack allows. Children of a node for which `skipChildren` is true are not visited.
 */
export function* walk(root: Node, skipChildren?: (node: Node) => boolean): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    if (node !== root && skipChildren?.(node)) continue;
    for (let i = node.childCount - 1; i >= 0; i--) {
      const child = node.child(i);
      if (child) stack.push(child);
    }
  }
}

/** Named child by field, or the first named child of one of the given types. */
export function childOfType(node: Node, types: string[]): Node | null {
  for (const child of node.namedChildren) if (child && types.includes(child.type)) return child;
  return null;
}

/** Anonymous operator tokens of a node (`&&`, `or` ...), for binary expressions. */
export function operatorTokens(node: Node): string[] {
  const out: string[] = [];
  for (const child of node.children) if (child && !child.isNamed) out.push(child.type);
  return out;
}

/**
 * The comment right above a declaration (no blank line between), skipping over wrappers such as
 * `export` or `const x =` whose first line is the declaration's line.
 */
export function leadingComment(node: Node, commentTypes: Set<string>): Node | null {
  let target: Node | null = node;
  while (target) {
    const prev: Node | null = target.previousNamedSibling;
    if (prev && commentTypes.has(prev.type) && prev.endPosition.row >= target.startPosition.row - 1) return prev;
    const parent: Node | null = target.parent;
    if (!parent || parent.startPosition.row !== node.startPosition.row || parent.type === 'program' || parent.type === 'module' || parent.type === 'source_file') return null;
    target = parent;
  }
  return null;
}
