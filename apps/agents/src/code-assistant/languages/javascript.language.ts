import type { Node } from 'web-tree-sitter';
import type { CodeLanguage } from '@nitro/contracts';
import { ImportedName, LanguageSpec, set } from './language-spec';
import { leadingComment, lineOf } from '../syntax-walk.util';

const COMMENTS = set('comment');
const DEBUG_METHODS = set('log', 'debug', 'trace', 'dir', 'table');

/** Name of a function node, from itself or from what it is assigned to. */
function functionName(fn: Node): string {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = fn.parent;
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text ?? '<anonymous>';
  if (parent?.type === 'pair') return parent.childForFieldName('key')?.text ?? '<anonymous>';
  if (parent?.type === 'assignment_expression') return parent.childForFieldName('left')?.text ?? '<anonymous>';
  if (parent?.type === 'public_field_definition') return parent.childForFieldName('name')?.text ?? '<anonymous>';
  return '<anonymous>';
}

/** Declarations and module-level `const f = () => ...` want JSDoc; callbacks and private members do not. */
function wantsDoc(fn: Node, name: string): boolean {
  if (name === '<anonymous>' || name === 'constructor' || name.startsWith('_') || name.startsWith('#')) return false;
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration' || fn.type === 'method_definition') return true;
  const declarator = fn.parent;
  const declaration = declarator?.type === 'variable_declarator' ? declarator.parent : null;
  const scope = declaration?.parent?.type === 'export_statement' ? declaration.parent.parent : declaration?.parent;
  return !!scope && scope.type === 'program';
}

function imports(node: Node): ImportedName[] {
  const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
  if (!clause) return []; // `import './side-effect'` binds nothing
  const out: ImportedName[] = [];
  for (const part of clause.namedChildren) {
    if (!part) continue;
    if (part.type === 'identifier') out.push({ name: part.text, line: lineOf(part), label: part.text });
    if (part.type === 'namespace_import') {
      const id = part.namedChildren.find((c) => c?.type === 'identifier');
      if (id) out.push({ name: id.text, line: lineOf(part), label: part.text });
    }
    if (part.type === 'named_imports') {
      for (const spec of part.namedChildren) {
        if (spec?.type !== 'import_specifier') continue;
        const local = spec.childForFieldName('alias') ?? spec.childForFieldName('name');
        if (local) out.push({ name: local.text, line: lineOf(spec), label: spec.text });
      }
    }
  }
  return out;
}

function debugPrint(node: Node): string | null {
  if (node.type === 'debugger_statement') return 'debugger';
  if (node.type !== 'call_expression') return null;
  const fn = node.childForFieldName('function');
  if (fn?.type !== 'member_expression') return null;
  const object = fn.childForFieldName('object');
  const property = fn.childForFieldName('property');
  if (object?.text === 'console' && property && DEBUG_METHODS.has(property.text)) return `console.${property.text}()`;
  return null;
}

function makeSpec(language: CodeLanguage, grammar: string): LanguageSpec {
  return {
    language,
    grammar,
    functionTypes: set(
      'function_declaration',
      'generator_function_declaration',
      'function_expression',
      'function',
      'generator_function',
      'arrow_function',
      'method_definition',
    ),
    nestingTypes: set(
      'if_statement',
      'for_statement',
      'for_in_statement',
      'while_statement',
      'do_statement',
      'switch_statement',
      'try_statement',
    ),
    decisionTypes: set(
      'if_statement',
      'for_statement',
      'for_in_statement',
      'while_statement',
      'do_statement',
      'switch_case',
      'catch_clause',
      'ternary_expression',
    ),
    logicalTypes: set('binary_expression'),
    logicalOperators: set('&&', '||', '??'),
    commentTypes: COMMENTS,
    identifierTypes: set('identifier', 'type_identifier', 'shorthand_property_identifier', 'shorthand_property_identifier_pattern'),
    importTypes: set('import_statement'),
    functionName,
    paramCount: (fn) => {
      const params = fn.childForFieldName('parameters');
      if (params) return params.namedChildren.filter((p) => p && p.type !== 'comment').length;
      return fn.childForFieldName('parameter') ? 1 : 0;
    },
    hasDoc: (fn) => !!leadingComment(fn, COMMENTS)?.text.startsWith('/**'),
    wantsDoc,
    debugPrint,
    imports,
    docHint: 'Add a JSDoc comment (/** What it does; @param ...; @returns ... */) right above it.',
    printHint: 'Use the project logger, or remove it before merging.',
  };
}

export const javascript = makeSpec('javascript', 'javascript');
export const typescript = makeSpec('typescript', 'typescript');
