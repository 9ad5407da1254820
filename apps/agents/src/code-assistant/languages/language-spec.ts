import type { Node } from 'web-tree-sitter';
import type { CodeLanguage } from '@nitro/contracts';

/** A name an import statement binds, and where. */
export interface ImportedName {
  name: string;
  line: number;
  /** How it appears in the source, for the message (`os`, `readFileSync as rf`). */
  label: string;
}

/**
 * What the analyzer needs to know about one grammar: node types and a few small callbacks. The
 * walk, the metrics and the findings are shared (code-analyzer), so a language is ~60 lines.
 */
export interface LanguageSpec {
  language: CodeLanguage;
  /** File name in tree-sitter-wasms/out without `tree-sitter-` and `.wasm`. */
  grammar: string;
  functionTypes: Set<string>;
  /** Each adds one to the nesting depth of what is inside it. */
  nestingTypes: Set<string>;
  /** Each adds one to the cyclomatic complexity. */
  decisionTypes: Set<string>;
  /** Binary nodes whose operator (`&&`, `or` ...) adds one. */
  logicalTypes: Set<string>;
  logicalOperators: Set<string>;
  commentTypes: Set<string>;
  /** Node types whose text counts as a use of an imported name. */
  identifierTypes: Set<string>;
  /** Import statement node types (their identifiers are not uses). */
  importTypes: Set<string>;
  functionName(fn: Node): string;
  paramCount(fn: Node): number;
  /** A docstring / doc comment is present. */
  hasDoc(fn: Node): boolean;
  /** Whether this function is expected to have one (public, named...). */
  wantsDoc(fn: Node, name: string): boolean;
  /** `print()` etc. when this node is a debug print, else null. */
  debugPrint(node: Node): string | null;
  imports(importNode: Node): ImportedName[];
  /** How this language documents a function, for suggestions. */
  docHint: string;
  printHint: string;
}

export const set = (...items: string[]) => new Set(items);
