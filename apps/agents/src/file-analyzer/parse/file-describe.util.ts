import { analyzeCsv } from '../csv-analysis.util';
import { classify, Classified } from '../file-type.util';
import { analyzeJson } from '../json-shape.util';
import { readImage } from '../readers/image.reader';
import { readPdf } from '../readers/pdf.reader';
import { readZip } from '../readers/zip.reader';
import { analyzeText } from '../text-analysis.util';
import type { ParseResult, ParseTask } from './file-parse.types';

/** Classifies the bytes and reads them by kind (PDF, image, ZIP, JSON, CSV, text): the CPU-heavy part of analyze_file. */
export async function describeFile(task: ParseTask): Promise<ParseResult> {
  const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
  const found = await classify(bytes);
  const details = await detailsOf(bytes, found, task);
  const pdf = (details.pdf as { text_pages?: { text: string }[] } | undefined)?.text_pages?.map((p) => p.text).join('\n');
  const excerpt = (pdf ?? found.decoded?.text ?? '').slice(0, 3_000);
  return { type: found.type, ...(found.format ? { format: found.format } : {}), details, excerpt };
}

async function detailsOf(bytes: Buffer, found: Classified, task: ParseTask): Promise<Record<string, unknown>> {
  const timeout = task.timeoutMs;
  switch (found.type.kind) {
    case 'pdf':
      return { pdf: await readPdf(bytes, task.pdfMaxPages, timeout) };
    case 'image':
      return { image: await readImage(bytes, timeout) };
    case 'zip':
      return { zip: await readZip(bytes, timeout) };
    case 'json':
      return { json: analyzeJson(found.json), text: analyzeText(found.decoded!) };
    case 'csv':
      return { csv: analyzeCsv(found.decoded!.text, found.delimiter!), text: analyzeText(found.decoded!) };
    case 'text':
      return { text: analyzeText(found.decoded!) };
    default:
      return { format: found.format ?? 'unknown', head_hex: bytes.subarray(0, 16).toString('hex') };
  }
}
