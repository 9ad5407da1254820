import { detectLanguage } from '../code-assistant/language-detect.util';
import type { DecodedText } from './text-decode.util';

// The most frequent short words of each language: enough to tell them apart on a paragraph.
const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'of', 'to', 'in', 'that', 'it', 'with', 'for', 'was', 'on', 'are', 'this', 'you'],
  de: ['der', 'die', 'und', 'ist', 'das', 'nicht', 'ein', 'eine', 'mit', 'sich', 'auf', 'für', 'ich', 'den', 'zu'],
  fr: ['le', 'la', 'les', 'et', 'est', 'des', 'une', 'un', 'que', 'pour', 'dans', 'pas', 'du', 'sur', 'qui'],
  es: ['el', 'la', 'los', 'las', 'y', 'es', 'que', 'de', 'una', 'por', 'para', 'con', 'no', 'del', 'se'],
  it: ['il', 'di', 'che', 'e', 'la', 'per', 'un', 'una', 'non', 'sono', 'del', 'della', 'con', 'gli', 'le'],
};

export interface LanguageGuess {
  kind: 'code' | 'natural' | 'unknown';
  name: string;
  /** Share of words that are that language's stop words (natural), or 1 for a code match. */
  confidence: number;
}

export function guessLanguage(text: string, words: string[]): LanguageGuess {
  const code = detectLanguage(text.slice(0, 20_000));
  if (code) return { kind: 'code', name: code.language, confidence: 1 };
  const sample = words.slice(0, 5_000).map((w) => w.toLowerCase());
  if (sample.length < 5) return { kind: 'unknown', name: 'unknown', confidence: 0 };
  let best = { name: 'unknown', share: 0 };
  for (const [name, list] of Object.entries(STOPWORDS)) {
    const set = new Set(list);
    const share = sample.filter((w) => set.has(w)).length / sample.length;
    if (share > best.share) best = { name, share };
  }
  return best.share >= 0.05
    ? { kind: 'natural', name: best.name, confidence: Math.round(best.share * 100) / 100 }
    : { kind: 'unknown', name: 'unknown', confidence: 0 };
}

export function analyzeText(decoded: DecodedText) {
  const { text, encoding } = decoded;
  const lines = text.length ? text.split(/\r\n|\r|\n/) : [];
  if (lines.length && lines[lines.length - 1] === '') lines.pop(); // a final newline ends the last line, it does not start one
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu) ?? [];
  const lineEndings = /\r\n/.test(text) ? 'crlf' : /\r/.test(text) ? 'cr' : lines.length > 1 ? 'lf' : 'none';
  return {
    encoding,
    lines: lines.length,
    words: words.length,
    characters: [...text].length,
    blank_lines: lines.filter((l) => !l.trim()).length,
    longest_line: lines.reduce((m, l) => Math.max(m, l.length), 0),
    line_endings: lineEndings,
    language: guessLanguage(text, words),
    preview: text.slice(0, 500),
  };
}
