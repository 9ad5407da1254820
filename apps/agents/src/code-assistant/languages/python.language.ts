import type { Node } from 'web-tree-sitter';
import { ImportedName, LanguageSpec, set } from './language-spec';
import { lineOf } from '../syntax-walk.util';

/** The names an import binds: `import a.b` binds a, `import a as b` binds b, `from x import y` binds y. */
function pythonImports(node: Node): ImportedName[] {
  if (node.type === 'import_from_statement') {
    const module = node.childForFieldName('module_name')?.text;
    if (module === '__future__') return [];
    return node.childrenForFieldName('name').flatMap((n) => (n ? bound(n, false) : []));
  }
  return node.namedChildren.flatMap((n) => (n ? bound(n, true) : []));
}

function bound(n: Node, topLevel: boolean): ImportedName[] {
  if (n.type === 'aliased_import') {
    const alias = n.childForFieldName('alias');
    return alias ? [{ name: alias.text, line: lineOf(n), label: n.text }] : [];
  }
  if (n.type === 'dotted_name') {
    const parts = n.text.split('.');
    return [{ name: topLevel ? parts[0] : parts[parts.length - 1], line: lineOf(n), label: n.text }];
  }
  return [];
}

export const python: LanguageSpec = {
  language: 'python',
  grammar: 'python',
  functionTypes: set('function_definition'),
  nestingTypes: set('if_statement', 'for_statement', 'while_statement', 'try_statement', 'with_statement', 'match_statement'),
  decisionTypes: set(
    'if_statement',
    'elif_clause',
    'for_statement',
    'while_statement',
    'except_clause',
    'conditional_expression',
    'for_in_clause',
    'if_clause',
    'case_clause',
  ),
  logicalTypes: set('boolean_operator'),
  logicalOperators: set('and', 'or'),
  commentTypes: set('comment'),
  identifierTypes: set('identifier'),
  importTypes: set('import_statement', 'import_from_statement'),
  functionName: (fn) => fn.childForFieldName('name')?.text ?? '<anonymous>',
  paramCount: (fn) =>
    (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => p && p.text !== 'self' && p.text !== 'cls').length,
  hasDoc(fn) {
    const first = fn.childForFieldName('body')?.firstNamedChild;
    return !!first && first.type === 'expression_statement' && first.firstNamedChild?.type === 'string';
  },
  // PEP 257: public functions and methods; `_private` and dunder names are exempt.
  wantsDoc: (_fn, name) => !name.startsWith('_'),
  debugPrint(node) {
    if (node.type !== 'call') return null;
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier' && (fn.text === 'print' || fn.text === 'pprint' || fn.text === 'breakpoint')) return `${fn.text}()`;
    return null;
  },
  imports: pythonImports,
  docHint: 'Add a docstring ("""What it does, its arguments and what it returns.""") as the first statement.',
  printHint: 'Use the logging module (logger.debug) or remove it before merging.',
};
