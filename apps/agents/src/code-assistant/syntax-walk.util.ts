import type { Node, TreeCursor } from 'web-tree-sitter';

/** 1-based line of a node's first character. */
export const lineOf = (node: Node): number => node.startPosition.row + 1;
export const endLineOf = (node: Node): number => node.endPosition.row + 1;

/**
 * Pre-order traversal with a TreeCursor and no recursion: generated code (long `a + a + ...`
 * chains) nests deeper than the JS call stack allows, and a cursor avoids creating a Node object
 * per visited node, which is most of the cost in web-tree-sitter. `enter` sees the cursor on each
 * node with its parent's type and returns false to skip that node's children; `leave` runs after
 * a node's subtree (not for the root).
 */
export function traverse(
  root: Node,
  enter: (c: TreeCursor, parentType: string | undefined) => boolean,
  leave?: (c: TreeCursor) => void,
): void {
  const c = root.walk();
  const types: string[] = [];
  try {
    let descend = enter(c, undefined);
    for (;;) {
      types.push(c.nodeType);
      if (descend && c.gotoFirstChild()) {
        descend = enter(c, types[types.length - 1]);
        continue;
      }
      types.pop();
      for (;;) {
        if (!types.length) return;
        leave?.(c);
        if (c.gotoNextSibling()) {
          descend = enter(c, types[types.length - 1]);
          break;
        }
        c.gotoParent();
        types.pop();
      }
    }
  } finally {
    c.delete();
  }
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
    if (
      !parent ||
      parent.startPosition.row !== node.startPosition.row ||
      parent.type === 'program' ||
      parent.type === 'module' ||
      parent.type === 'source_file'
    )
      return null;
    target = parent;
  }
  return null;
}
