import type { Node } from 'web-tree-sitter';
import { ImportedName, LanguageSpec, set } from './language-spec';
import { leadingComment, lineOf } from '../syntax-walk.util';

const COMMENTS = set('comment');

/** `"github.com/x/yaml.v3"` is used as `yaml`; `"k8s.io/api/v2"` as `api` (a version suffix is not the name). */
export function goPackageName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  let last = parts[parts.length - 1] ?? path;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  return last
    .replace(/\.v\d+$/, '')
    .replace(/^go-/, '')
    .replace(/-go$/, '')
    .replace(/[^A-Za-z0-9_]/g, '_');
}

function imports(decl: Node): ImportedName[] {
  const out: ImportedName[] = [];
  for (const spec of decl.descendantsOfType('import_spec')) {
    if (!spec) continue;
    const path = spec.childForFieldName('path')?.text.replace(/^["`]|["`]$/g, '') ?? '';
    const alias = spec.childForFieldName('name')?.text;
    if (alias === '_' || alias === '.') continue; // imported for side effects / into the file scope
    out.push({ name: alias ?? goPackageName(path), line: lineOf(spec), label: spec.text });
  }
  return out;
}

export const go: LanguageSpec = {
  language: 'go',
  grammar: 'go',
  functionTypes: set('function_declaration', 'method_declaration', 'func_literal'),
  nestingTypes: set('if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'),
  decisionTypes: set('if_statement', 'for_statement', 'expression_case', 'type_case', 'communication_case'),
  logicalTypes: set('binary_expression'),
  logicalOperators: set('&&', '||'),
  commentTypes: COMMENTS,
  identifierTypes: set('identifier', 'package_identifier'),
  importTypes: set('import_declaration'),
  functionName: (fn) => fn.childForFieldName('name')?.text ?? '<anonymous>',
  paramCount: (fn) =>
    (fn.childForFieldName('parameters')?.namedChildren ?? []).reduce(
      (n, p) => n + Math.max(1, (p?.namedChildren ?? []).filter((c) => c?.type === 'identifier').length),
      0,
    ),
  hasDoc: (fn) => !!leadingComment(fn, COMMENTS),
  // Effective Go: every exported (capitalised) name has a doc comment.
  wantsDoc: (fn, name) => fn.type !== 'func_literal' && /^[A-Z]/.test(name),
  debugPrint(node) {
    if (node.type !== 'call_expression') return null;
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier' && (fn.text === 'println' || fn.text === 'print')) return `${fn.text}()`;
    if (fn?.type === 'selector_expression' && fn.childForFieldName('operand')?.text === 'fmt') {
      const name = fn.childForFieldName('field')?.text ?? '';
      if (/^Print(ln|f)?$/.test(name)) return `fmt.${name}()`;
    }
    return null;
  },
  imports,
  docHint: 'Add a doc comment starting with the name ("// Name does ...") on the line above.',
  printHint: 'Use the log package (or a structured logger) or remove it before merging.',
};
