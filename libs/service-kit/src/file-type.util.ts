import { importEsm } from './esm-import.util';

type FileTypeModule = typeof import('file-type');

/** What the first bytes of a file are, by file-type's signatures (the name and declared type are never consulted). */
export interface DetectedFileType {
  /** file-type's extension: wav, mp3, webm, exe, macho, png … */
  ext: string;
  mime: string;
}

// file-type 21 is ESM only (ADR 0007): loaded once per process with a real import(), not swc's require().
let loaded: Promise<FileTypeModule> | undefined;
function fileType(): Promise<FileTypeModule> {
  loaded ??= importEsm<FileTypeModule>('file-type');
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * The one way an upload's type is decided: from its bytes (the agents file analyzer and the gateway's
 * audio uploads both use it). undefined: no known binary signature (plain text, or too short).
 */
export async function detectFileType(bytes: Uint8Array): Promise<DetectedFileType | undefined> {
  const found = await (await fileType()).fileTypeFromBuffer(bytes);
  return found ? { ext: found.ext, mime: found.mime } : undefined;
}
