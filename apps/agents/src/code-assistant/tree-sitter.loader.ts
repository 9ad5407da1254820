import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { Language, Parser, Tree } from 'web-tree-sitter';
import { ERROR_CODES } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';

/**
 * Loads web-tree-sitter once and each grammar (prebuilt WASM from tree-sitter-wasms) on first use.
 * web-tree-sitter 0.25 reads these ABI-14 grammars; see docs/adr/0005-agents.md for the pairing.
 */
@Injectable()
export class TreeSitterLoader implements OnModuleDestroy {
  private init?: Promise<void>;
  private readonly languages = new Map<string, Promise<Language>>();

  /** Parses `code`; gives up with a 422 once `timeoutMs` has passed (checked by the parser as it goes). */
  async parse(grammar: string, code: string, timeoutMs: number): Promise<Tree> {
    const language = await this.language(grammar);
    const parser = new Parser();
    try {
      parser.setLanguage(language);
      const deadline = Date.now() + timeoutMs;
      // Returning true from the progress callback cancels the parse (typed as void upstream).
      const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
      const tree = parser.parse(code, null, { progressCallback });
      if (!tree) throw new ServiceError(422, ERROR_CODES.timeout, `code could not be parsed within ${timeoutMs} ms (CODE_PARSE_TIMEOUT_MS); send a smaller file`);
      return tree;
    } finally {
      parser.delete();
    }
  }

  private language(grammar: string): Promise<Language> {
    let lang = this.languages.get(grammar);
    if (!lang) {
      this.init ??= Parser.init();
      // Bytes, not a path: given a path, Language.load does a dynamic import() that CommonJS test runners lack.
      lang = this.init.then(async () => Language.load(await readFile(require.resolve(`tree-sitter-wasms/out/tree-sitter-${grammar}.wasm`))));
      lang.catch(() => this.languages.delete(grammar));
      this.languages.set(grammar, lang);
    }
    return lang;
  }

  onModuleDestroy() {
    this.languages.clear();
  }
}
