import { SentenceSplitter } from './sentence-splitter';

/** Feeds text in model-sized pieces and records which push completed which sentence. */
function feed(pieces: string[]): { sentences: string[]; at: number[] } {
  const s = new SentenceSplitter();
  const sentences: string[] = [];
  const at: number[] = [];
  pieces.forEach((p, i) => {
    for (const done of s.push(p)) {
      sentences.push(done);
      at.push(i);
    }
  });
  for (const rest of s.flush()) {
    sentences.push(rest);
    at.push(-1);
  }
  return { sentences, at };
}

describe('SentenceSplitter', () => {
  it('emits a sentence as soon as the token after its full stop arrives', () => {
    const { sentences, at } = feed(['Once', ' upon a time', ' there was a dog', '.', ' He', ' was happy', '!', ' The end']);
    expect(sentences).toEqual(['Once upon a time there was a dog.', 'He was happy!', 'The end']);
    expect(at).toEqual([4, 7, -1]);
  });

  it('keeps closing quotes with their sentence and splits on newlines after them', () => {
    expect(feed(['"Let us go home."', '\nThey', ' went.', ' ']).sentences).toEqual(['"Let us go home."', 'They went.']);
  });

  it('does not split inside numbers, abbreviations or initials', () => {
    const { sentences } = feed(['Dr. Smith paid 3.50 dollars, e.g. ', 'for J. R. tea. ', 'Then left.']);
    expect(sentences).toEqual(['Dr. Smith paid 3.50 dollars, e.g. for J. R. tea.', 'Then left.']);
  });

  it('splits at a blank line even without punctuation', () => {
    expect(feed(['First part\n\nSecond part']).sentences).toEqual(['First part', 'Second part']);
  });

  it('cuts a run-on text so speech does not wait for it, preferring a comma', () => {
    const long = `${'word '.repeat(40)}, ${'more '.repeat(40)}`;
    const { sentences } = feed([long]);
    expect(sentences.length).toBeGreaterThan(1);
    expect(sentences.every((s) => s.length <= 300)).toBe(true);
    expect(sentences.join(' ').replace(/\s+/g, ' ')).toBe(long.trim().replace(/\s+/g, ' '));
  });

  it('skips pieces with nothing to say', () => {
    expect(feed(['... ', '!! ', 'Hi there. ', '"']).sentences).toEqual(['Hi there.']);
  });
});
