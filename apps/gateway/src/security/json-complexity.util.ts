/** Deeper than any of our DTOs will ever be; agents' free-form `data` included. */
export const MAX_JSON_DEPTH = 32;
/** Keys in one object: validation names every unknown key, so 20,000 keys made an 800 KB error and ~2 s of CPU. */
export const MAX_JSON_KEYS = 256;
/** Objects, arrays and values in the whole body. */
export const MAX_JSON_NODES = 20_000;

/**
 * Why a parsed JSON body is too complex to hand to the validation pipe, or null. Walked with an
 * explicit stack: the pipe and class-transformer recurse, and a body of 10,000 nested arrays
 * overflowed their stack (500). Stops at the first limit exceeded.
 */
export function jsonComplexityProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return `body is nested more than ${MAX_JSON_DEPTH} levels deep`;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    if (!Array.isArray(node) && children.length > MAX_JSON_KEYS) return `an object in the body has more than ${MAX_JSON_KEYS} fields`;
    nodes += children.length;
    if (nodes > MAX_JSON_NODES) return `body has more than ${MAX_JSON_NODES} values`;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return null;
}
