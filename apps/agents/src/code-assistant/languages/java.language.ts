import type { Node } from 'web-tree-sitter';
import { ImportedName, LanguageSpec, set } from './language-spec';
import { leadingComment, lineOf } from '../syntax-walk.util';

const COMMENTS = set('block_comment', 'line_comment', 'comment');

function imports(decl: Node): ImportedName[] {
  if (decl.namedChildren.some((c) => c?.type === 'asterisk')) return []; // `import a.b.*` names nothing in particular
  const target = decl.namedChildren.find((c) => c?.type === 'scoped_identifier' || c?.type === 'identifier');
  if (!target) return [];
  const name = target.text.split('.').pop() ?? target.text;
  return [{ name, line: lineOf(decl), label: target.text }];
}

function modifiersOf(fn: Node): string {
  return fn.namedChildren.find((c) => c?.type === 'modifiers')?.text ?? '';
}

export const java: LanguageSpec = {
  language: 'java',
  grammar: 'java',
  functionTypes: set('method_declaration', 'constructor_declaration'),
  nestingTypes: set(
    'if_statement',
    'for_statement',
    'enhanced_for_statement',
    'while_statement',
    'do_statement',
    'switch_expression',
    'switch_statement',
    'try_statement',
    'try_with_resources_statement',
  ),
  decisionTypes: set(
    'if_statement',
    'for_statement',
    'enhanced_for_statement',
    'while_statement',
    'do_statement',
    'catch_clause',
    'ternary_expression',
    'switch_label',
  ),
  logicalTypes: set('binary_expression'),
  logicalOperators: set('&&', '||'),
  commentTypes: COMMENTS,
  identifierTypes: set('identifier', 'type_identifier'),
  importTypes: set('import_declaration', 'package_declaration'),
  functionName: (fn) => fn.childForFieldName('name')?.text ?? '<anonymous>',
  paramCount: (fn) => (fn.childForFieldName('parameters')?.namedChildren ?? []).filter((p) => p && /parameter/.test(p.type)).length,
  hasDoc: (fn) => !!leadingComment(fn, COMMENTS)?.text.startsWith('/**'),
  // Public API wants Javadoc; an @Override inherits the overridden method's.
  wantsDoc: (fn) => /\bpublic\b/.test(modifiersOf(fn)) && !/@Override\b/.test(modifiersOf(fn)),
  debugPrint(node) {
    if (node.type !== 'method_invocation') return null;
    const object = node.childForFieldName('object')?.text.replace(/\s+/g, '');
    const name = node.childForFieldName('name')?.text ?? '';
    if ((object === 'System.out' || object === 'System.err') && /^print(ln|f)?$/.test(name)) return `${object}.${name}()`;
    if (name === 'printStackTrace' && !node.childForFieldName('arguments')?.namedChildCount) return 'printStackTrace()';
    return null;
  },
  imports,
  docHint: 'Add a Javadoc comment (/** What it does. @param ... @return ... */) right above it.',
  printHint: 'Use a logger (java.util.logging or SLF4J) or remove it before merging.',
};
