import type { DetectedTypeDto } from '@nitro/contracts';
import { sniffDelimiter } from './csv-analysis.util';
import { sniffMagic } from './magic-type.util';
import { decodeText, DecodedText } from './text-decode.util';

export interface Classified {
  type: DetectedTypeDto;
  format?: string;
  decoded?: DecodedText;
  json?: unknown;
  delimiter?: string;
}

/** Type from the bytes: a signature first, then text (JSON if it parses, CSV if it is a table), else binary. */
export async function classify(bytes: Buffer): Promise<Classified> {
  if (!bytes.length) return { type: { kind: 'empty', mime: 'application/x-empty', by: 'content' } };
  const magic = await sniffMagic(bytes);
  if (magic) return { type: { kind: magic.kind, mime: magic.mime, by: 'magic' }, format: magic.format };
  const decoded = decodeText(bytes);
  if (!decoded) return { type: { kind: 'binary', mime: 'application/octet-stream', by: 'content' } };
  const head = decoded.text.trimStart()[0];
  if (head === '{' || head === '[') {
    try {
      return { type: { kind: 'json', mime: 'application/json', by: 'content' }, decoded, json: JSON.parse(decoded.text) };
    } catch {
      // not JSON after all: fall through to CSV / text
    }
  }
  const delimiter = sniffDelimiter(decoded.text);
  if (delimiter)
    return {
      type: { kind: 'csv', mime: delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv', by: 'content' },
      decoded,
      delimiter,
    };
  return { type: { kind: 'text', mime: 'text/plain', by: 'content' }, decoded };
}

// What a file name's extension claims, to point out names that lie about the content.
const CLAIMS: Record<string, string[]> = {
  pdf: ['pdf'],
  png: ['image'],
  jpg: ['image'],
  jpeg: ['image'],
  gif: ['image'],
  webp: ['image'],
  tif: ['image'],
  tiff: ['image'],
  zip: ['zip'],
  docx: ['zip'],
  xlsx: ['zip'],
  pptx: ['zip'],
  jar: ['zip'],
  gz: ['gzip'],
  json: ['json'],
  csv: ['csv', 'text'],
  tsv: ['csv', 'text'],
  txt: ['text', 'csv', 'json'],
  md: ['text', 'csv'],
};

export function nameMismatch(filename: string | undefined, kind: string): string | undefined {
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  if (!ext || !CLAIMS[ext] || CLAIMS[ext].includes(kind) || kind === 'empty') return undefined;
  return `the name ends in .${ext} but the content is ${kind}`;
}
