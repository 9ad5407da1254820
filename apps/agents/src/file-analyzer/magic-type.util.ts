import { detectFileType, type DetectedFileType } from '@nitro/service-kit';

/** What the first bytes say a file is (file-type's signatures). The name is never consulted. */
export interface MagicType {
  kind: 'pdf' | 'image' | 'zip' | 'gzip' | 'archive' | 'audio' | 'video' | 'executable' | 'database' | 'binary';
  mime: string;
  /** file-type's extension, e.g. png, docx, 7z. */
  format: string;
}

const set = (names: string) => new Set(names.split(' '));
// Formats inside a ZIP container: read (never extracted) by the ZIP reader like any .zip.
const ZIP = set(
  'zip docx docm dotx dotm xlsx xlsm xltx xltm pptx pptm potx potm ppsx ppsm odt ott ods ots odp otp odg otg epub jar apk xpi 3mf vsdx',
);
const ARCHIVE = set('7z rar tar bz2 xz zst lz lz4 lzh cab deb rpm ar cpio Z arj ace dmg');
const EXECUTABLE = set('elf exe macho wasm class');
const VIDEO_CONTAINERS = set('asf mxf rm');
// Text formats file-type also recognises: still analysed as text (lines, encoding, language).
const TEXT_MIMES = set(
  'application/xml text/calendar text/vcard text/vtt application/rtf application/postscript application/eps application/x-ms-regedit application/pgp-encrypted model/stl',
);

function kindOf({ ext, mime }: DetectedFileType): MagicType['kind'] | null {
  if (ext === 'pdf' || ext === 'ai') return 'pdf';
  if (ZIP.has(ext)) return 'zip';
  if (ext === 'gz') return 'gzip';
  if (ARCHIVE.has(ext)) return 'archive';
  if (EXECUTABLE.has(ext)) return 'executable';
  if (ext === 'sqlite') return 'database';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('audio/') || mime === 'application/ogg') return 'audio';
  if (mime.startsWith('video/') || VIDEO_CONTAINERS.has(ext)) return 'video';
  return null;
}

/**
 * The binary format of `buf` from its signature, or null (then it may be text). Formats file-type
 * knows but we do not analyse (fonts, CFB, pcap…) come back as kind 'binary'; text formats it
 * recognises (XML, iCalendar, vCard, RTF…) are left to the text path, as before.
 */
export async function sniffMagic(buf: Uint8Array): Promise<MagicType | null> {
  const found = await detectFileType(buf);
  if (!found) return null;
  const kind = kindOf(found);
  if (kind) return { kind, mime: found.mime, format: found.ext };
  if (TEXT_MIMES.has(found.mime)) return null;
  return { kind: 'binary', mime: found.mime, format: found.ext };
}
