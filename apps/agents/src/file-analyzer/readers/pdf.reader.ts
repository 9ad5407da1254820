import { importEsm, ServiceError } from '@nitro/service-kit';
import { withTimeout } from './with-timeout.util';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
// pdfjs-dist is ESM only and our build is CommonJS: importEsm keeps a real import().
let pdfjs: Promise<PdfJs> | undefined;

const MAX_PAGE_CHARS = 4_000;

/** Pages, document info and text of a PDF, read with Mozilla's pdf.js (legacy build for Node). */
export async function readPdf(bytes: Buffer, maxPages: number, timeoutMs: number) {
  pdfjs ??= importEsm<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
  const lib = await pdfjs;
  // pdf.js takes ownership of (detaches) the array it gets: hand it a copy.
  const task = lib.getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const work = (async () => {
    const doc = await task.promise;
    const { info } = (await doc.getMetadata().catch(() => ({ info: {} }))) as { info: Record<string, unknown> };
    const pages: { page: number; chars: number; text: string }[] = [];
    for (let n = 1; n <= Math.min(doc.numPages, maxPages); n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
        .join('')
        .replace(/[ \t]+/g, ' ')
        .trim();
      pages.push({ page: n, chars: text.length, text: text.slice(0, MAX_PAGE_CHARS) });
      page.cleanup();
    }
    const all = pages.map((p) => p.text).join('\n');
    const pick = (k: string) => (typeof info[k] === 'string' && info[k] ? (info[k] as string) : undefined);
    return {
      pages: doc.numPages,
      pages_read: pages.length,
      version: pick('PDFFormatVersion'),
      title: pick('Title'),
      author: pick('Author'),
      creator: pick('Creator'),
      producer: pick('Producer'),
      words: (all.match(/\S+/g) ?? []).length,
      text_pages: pages,
      scanned: pages.length > 0 && pages.every((p) => p.chars === 0) ? 'no text layer: probably scanned images' : undefined,
    };
  })();
  try {
    return await withTimeout(work, timeoutMs, 'reading the PDF', () => void task.destroy());
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    const e = err as Error;
    if (e.name === 'PasswordException')
      throw new ServiceError(422, 'PDF_ENCRYPTED', 'the PDF is password-protected; send an unprotected copy');
    throw new ServiceError(422, 'UNREADABLE_FILE', `the file starts like a PDF but cannot be read: ${e.message}`);
  } finally {
    void task.destroy();
  }
}
