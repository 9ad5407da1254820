/** Abbreviations whose period does not end a sentence. */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'etc', 'e.g', 'i.e', 'no', 'approx', 'fig', 'mt']);
/** A sentence longer than this is cut at a comma or space, so speech never waits for a run-on answer. */
const MAX_SENTENCE = 300;
/** Fragments shorter than this are held back and joined to the next sentence ("Hi." "Ok."). */
const MIN_SENTENCE = 2;

/**
 * Splits a token stream into sentences as soon as each is complete, so each can be spoken while
 * the model goes on writing. A sentence ends at . ! ? … (with closing quotes/brackets) followed by
 * whitespace, or at a blank line; "3.14", "e.g." and "Dr." do not end one.
 */
export class SentenceSplitter {
  private buffer = '';

  /** Adds streamed text; returns the sentences it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    for (;;) {
      const cut = this.findEnd();
      if (cut < 0) break;
      const sentence = this.buffer.slice(0, cut).trim();
      this.buffer = this.buffer.slice(cut);
      if (speakable(sentence)) out.push(sentence);
    }
    return out;
  }

  /** The rest, once the stream has ended. */
  flush(): string[] {
    const rest = this.buffer.trim();
    this.buffer = '';
    return speakable(rest) ? [rest] : [];
  }

  private findEnd(): number {
    const b = this.buffer;
    const re = /([.!?…]+["')\]”’]*)(\s+)|\n\s*\n/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(b))) {
      const end = m.index + m[0].length;
      if (m[1] === undefined) return end; // blank line
      const before = b.slice(0, m.index).trim();
      const lastWord = before.split(/\s+/).pop()?.toLowerCase() ?? '';
      if (m[1] === '.' && (ABBREVIATIONS.has(lastWord) || /^[a-z]$/i.test(lastWord))) continue;
      if (before.length < MIN_SENTENCE) continue;
      return end;
    }
    if (b.length > MAX_SENTENCE) {
      const window = b.slice(0, MAX_SENTENCE);
      const comma = window.lastIndexOf(', ');
      const space = window.lastIndexOf(' ');
      const at = comma > MAX_SENTENCE / 2 ? comma + 2 : space > 0 ? space + 1 : MAX_SENTENCE;
      return at;
    }
    return -1;
  }
}

/** Something a voice can say: at least one letter or digit. */
function speakable(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}
