import type { SearchResultDto } from '@nitro/contracts';

export interface PromptSource {
  result: SearchResultDto;
  /** Readable text of the page, when it was fetched. */
  pageText?: string;
}

const INSTRUCTIONS =
  'Answer the question using only the numbered sources below. After each fact, cite its source number in square brackets, like [1] or [2, 3]. If the sources do not answer the question, say so.';

/**
 * The prompt ai-router receives: instructions, the question, then sources numbered [1]…[n] in
 * result order (so [n] is the result with position n). Kept under maxChars: whole sources with
 * their snippets first, then page text shared out among them; a source that does not fit is left
 * out, and only the sources that made it in may be cited.
 */
export function buildSummaryPrompt(query: string, sources: PromptSource[], maxChars: number): { prompt: string; used: SearchResultDto[] } {
  const head = `${INSTRUCTIONS}\n\nQuestion: ${query}\n\nSources:\n`;
  const tail = '\nAnswer:';
  let budget = maxChars - head.length - tail.length;
  const blocks: { header: string; page?: string }[] = [];
  for (const [i, s] of sources.entries()) {
    const r = s.result;
    const header = `[${i + 1}] ${r.title} (${r.source})\n${r.snippet}\n`;
    if (header.length + 1 > budget) {
      // The first source is always given, cut to fit: a summary of nothing helps no one.
      if (i === 0) blocks.push({ header: `${header.slice(0, Math.max(40, budget - 2))}\n` });
      break;
    }
    budget -= header.length + 1;
    blocks.push({ header, page: s.pageText });
  }
  const withPages = blocks.filter((b) => b.page);
  const share = withPages.length ? Math.floor(budget / withPages.length) : 0;
  const body = blocks
    .map((b) => {
      const page = b.page && share > 20 ? `${excerpt(b.page, share - 1)}\n` : '';
      return `${b.header}${page}`;
    })
    .join('\n');
  return { prompt: `${head}${body}${tail}`, used: sources.slice(0, blocks.length).map((s) => s.result) };
}

/** The first `max` characters, cut at a word boundary when cut at all. */
function excerpt(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max).replace(/\s+\S*$/, '');
}
