import { CODE_LANGUAGES, CodeLanguage } from '@nitro/contracts';

const BY_EXTENSION: Record<string, CodeLanguage> = {
  py: 'python',
  pyw: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  go: 'go',
  java: 'java',
};

/** Weighted hints; the highest total wins. Cheap regexes, enough to tell these five apart. */
const HINTS: [CodeLanguage, RegExp, number][] = [
  ['go', /^package\s+\w+\s*$/m, 5],
  ['go', /\bfunc\s+(\(\w+\s+\*?\w+\)\s*)?\w+\s*\(/, 3],
  ['go', /:=/, 1],
  ['java', /\b(public|private|protected)\s+(static\s+)?(final\s+)?(class|interface|enum|void|int|String)\b/, 4],
  ['java', /^import\s+java\./m, 5],
  ['java', /System\.out\.print/, 3],
  ['python', /^\s*def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:/m, 4],
  ['python', /^\s*(from\s+[\w.]+\s+)?import\s+[\w.]+(\s+as\s+\w+)?\s*$/m, 2],
  ['python', /^\s*(elif|except|class\s+\w+(\(.*\))?:)/m, 2],
  ['python', /\bprint\(/, 1],
  ['typescript', /^\s*(export\s+)?(interface|type)\s+\w+/m, 4],
  ['typescript', /\w\s*:\s*(string|number|boolean|void|unknown|any)\b/, 3],
  ['typescript', /^import\s+type\s/m, 4],
  ['javascript', /\b(const|let|var)\s+\w+\s*=/, 2],
  ['javascript', /\bfunction\s*\w*\s*\(/, 2],
  ['javascript', /=>/, 1],
  ['javascript', /\brequire\(|console\.log\(|module\.exports/, 2],
  ['javascript', /^import\s.+\sfrom\s+['"]/m, 2],
];

export interface DetectedLanguage {
  language: CodeLanguage;
  source: 'given' | 'filename' | 'content';
}

/** The language to parse with: as given, else from the file name, else from the content; null when nothing fits. */
export function detectLanguage(code: string, language?: CodeLanguage, filename?: string): DetectedLanguage | null {
  if (language && (CODE_LANGUAGES as readonly string[]).includes(language)) return { language, source: 'given' };
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (ext && BY_EXTENSION[ext]) return { language: BY_EXTENSION[ext], source: 'filename' };
  const scores = new Map<CodeLanguage, number>();
  for (const [lang, re, weight] of HINTS) if (re.test(code)) scores.set(lang, (scores.get(lang) ?? 0) + weight);
  // TypeScript is a superset: its hints count on top of the JavaScript ones.
  if (scores.has('typescript')) scores.set('typescript', scores.get('typescript')! + (scores.get('javascript') ?? 0));
  const best = [...scores.entries()].sort((a, b) => b[1] - a[1])[0];
  return best && best[1] >= 2 ? { language: best[0], source: 'content' } : null;
}
