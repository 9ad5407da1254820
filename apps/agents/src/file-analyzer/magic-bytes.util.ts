/** What the first bytes say a file is. The name is never consulted. */
export interface MagicType {
  kind: 'pdf' | 'image' | 'zip' | 'gzip' | 'archive' | 'audio' | 'video' | 'executable' | 'database';
  mime: string;
  format: string;
}

type Rule = [offset: number, signature: string | number[], type: MagicType];

const img = (format: string, mime = `image/${format}`): MagicType => ({ kind: 'image', mime, format });

// Ordered: the first match wins. Sources: the formats' specifications (file signatures).
const RULES: Rule[] = [
  [0, '%PDF-', { kind: 'pdf', mime: 'application/pdf', format: 'pdf' }],
  [0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], img('png')],
  [0, [0xff, 0xd8, 0xff], img('jpeg')],
  [0, 'GIF87a', img('gif')],
  [0, 'GIF89a', img('gif')],
  [8, 'WEBP', img('webp')],
  [0, [0x49, 0x49, 0x2a, 0x00], img('tiff')],
  [0, [0x4d, 0x4d, 0x00, 0x2a], img('tiff')],
  [4, 'ftypavif', img('avif')],
  [4, 'ftypheic', img('heif', 'image/heic')],
  [4, 'ftypmif1', img('heif')],
  [0, [0x50, 0x4b, 0x03, 0x04], { kind: 'zip', mime: 'application/zip', format: 'zip' }],
  [0, [0x50, 0x4b, 0x05, 0x06], { kind: 'zip', mime: 'application/zip', format: 'zip' }],
  [0, [0x1f, 0x8b], { kind: 'gzip', mime: 'application/gzip', format: 'gzip' }],
  [0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], { kind: 'archive', mime: 'application/x-7z-compressed', format: '7z' }],
  [0, 'Rar!', { kind: 'archive', mime: 'application/vnd.rar', format: 'rar' }],
  [8, 'WAVE', { kind: 'audio', mime: 'audio/wav', format: 'wav' }],
  [0, 'OggS', { kind: 'audio', mime: 'audio/ogg', format: 'ogg' }],
  [0, 'fLaC', { kind: 'audio', mime: 'audio/flac', format: 'flac' }],
  [0, 'ID3', { kind: 'audio', mime: 'audio/mpeg', format: 'mp3' }],
  [4, 'ftyp', { kind: 'video', mime: 'video/mp4', format: 'mp4' }],
  [0, [0x1a, 0x45, 0xdf, 0xa3], { kind: 'video', mime: 'video/webm', format: 'webm' }],
  [0, [0x7f, 0x45, 0x4c, 0x46], { kind: 'executable', mime: 'application/x-elf', format: 'elf' }],
  [0, [0x00, 0x61, 0x73, 0x6d], { kind: 'executable', mime: 'application/wasm', format: 'wasm' }],
  [0, 'SQLite format 3\0', { kind: 'database', mime: 'application/vnd.sqlite3', format: 'sqlite' }],
];

function matches(buf: Buffer, offset: number, signature: string | number[]): boolean {
  const bytes = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return buf.length >= offset + bytes.length && buf.subarray(offset, offset + bytes.length).equals(bytes);
}

/** The binary format of `buf` from its signature, or null (then it may be text). */
export function sniffMagic(buf: Buffer): MagicType | null {
  for (const [offset, signature, type] of RULES) if (matches(buf, offset, signature)) return type;
  return null;
}
