import { readFile } from 'node:fs/promises';
import { Language, Parser, Tree } from 'web-tree-sitter';

/**
 * Loads web-tree-sitter once and each grammar (prebuilt WASM from tree-sitter-wasms) on first use.
 * web-tree-sitter 0.25 reads these ABI-14 grammars; see docs/adr/0005-agents.md for the pairing.
 * Runs inside the review workers (review/review.worker.ts), so it imports nothing from @nitro/*.
 */
export class TreeSitterLoader {
  private init?: Promise<void>;
  private readonly languages = new Map<string, Promise<Language>>();

  /** Parses `code`; null once `timeoutMs` has passed (checked by the parser as it goes). Delete the tree after use. */
  async parse(grammar: string, code: string, timeoutMs: number): Promise<Tree | null> {
    const language = await this.language(grammar);
    const parser = new Parser();
    try {
      parser.setLanguage(language);
      const deadline = Date.now() + timeoutMs;
      // Returning true from the progress callback cancels the parse (typed as void upstream).
      const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
      return parser.parse(code, null, { progressCallback });
    } finally {
      parser.delete();
    }
  }

  private language(grammar: string): Promise<Language> {
    let lang = this.languages.get(grammar);
    if (!lang) {
      this.init ??= Parser.init();
      // Bytes, not a path: given a path, Language.load does a dynamic import() that CommonJS test runners lack.
      lang = this.init.then(async () =>
        Language.load(await readFile(require.resolve(`tree-sitter-wasms/out/tree-sitter-${grammar}.wasm`))),
      );
      lang.catch(() => this.languages.delete(grammar));
      this.languages.set(grammar, lang);
    }
    return lang;
  }
}
