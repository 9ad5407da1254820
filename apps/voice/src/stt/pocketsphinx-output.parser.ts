import type { WordTimingDto } from '@nitro/contracts';

const TIMING = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)$/;
/** Silence, sentence marks and noise models: timed by pocketsphinx, but not words anyone said. */
const FILLER = /^(<s>|<\/s>|<sil>|\[[A-Z_]+\]|\+\+.*\+\+)$/;

/**
 * Reads `pocketsphinx_continuous -time yes` output: per utterance, one line with the hypothesis,
 * then one "word start end confidence" line per word (times in seconds from the start of the file).
 */
export function parsePocketsphinxOutput(stdout: string): { text: string; words: WordTimingDto[]; confidence?: number } {
  const words: WordTimingDto[] = [];
  const hypotheses: string[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = TIMING.exec(line);
    if (!m) {
      hypotheses.push(line);
      continue;
    }
    if (FILLER.test(m[1])) continue;
    // Alternative pronunciations are printed as word(2).
    const word = m[1].replace(/\(\d+\)$/, '');
    words.push({ word, start: Number(m[2]), end: Number(m[3]), confidence: Math.min(1, Math.max(0, Number(m[4]))) });
  }
  const text = words.length ? words.map((w) => w.word).join(' ') : hypotheses.join(' ');
  const confidence = words.length
    ? Math.round((words.reduce((s, w) => s + (w.confidence ?? 0), 0) / words.length) * 1000) / 1000
    : undefined;
  return { text: text.replace(/\s+/g, ' ').trim(), words, confidence };
}
