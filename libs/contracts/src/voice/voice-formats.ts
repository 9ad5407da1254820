/** Audio the API returns. `ogg` is Ogg/Opus. */
export const AUDIO_OUTPUT_FORMATS = ['wav', 'mp3', 'ogg'] as const;
export type AudioOutputFormat = (typeof AUDIO_OUTPUT_FORMATS)[number];

export const AUDIO_CONTENT_TYPES: Record<AudioOutputFormat, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg; codecs=opus',
};

/** Containers accepted for upload, by MIME type and by file extension (browsers label MediaRecorder output loosely). */
export const AUDIO_INPUT_KINDS = ['webm', 'ogg', 'wav', 'mp3', 'm4a'] as const;
export type AudioInputKind = (typeof AUDIO_INPUT_KINDS)[number];

const BY_MIME: Record<string, AudioInputKind> = {
  'audio/webm': 'webm',
  'video/webm': 'webm',
  'audio/ogg': 'ogg',
  'application/ogg': 'ogg',
  'audio/opus': 'ogg',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/vnd.wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/mp4': 'm4a',
  'audio/m4a': 'm4a',
  'audio/x-m4a': 'm4a',
  'video/mp4': 'm4a',
};

const BY_EXTENSION: Record<string, AudioInputKind> = {
  webm: 'webm',
  weba: 'webm',
  ogg: 'ogg',
  oga: 'ogg',
  opus: 'ogg',
  wav: 'wav',
  wave: 'wav',
  mp3: 'mp3',
  m4a: 'm4a',
  mp4: 'm4a',
};

/** Generic types a client sends when it does not know better; the file name decides then. */
const GENERIC_MIME = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * The container an upload claims to be, or undefined when the type is not one we take (a 415).
 * Only a claim: the voice service probes the bytes with ffprobe before trusting it.
 */
export function audioInputKind(mimetype: string | undefined, filename: string | undefined): AudioInputKind | undefined {
  const mime = (mimetype ?? '').split(';')[0].trim().toLowerCase();
  const ext = (filename ?? '').toLowerCase().match(/\.([a-z0-9]{1,5})$/)?.[1];
  if (!GENERIC_MIME.has(mime)) return BY_MIME[mime];
  return ext ? BY_EXTENSION[ext] : undefined;
}

/** The container the bytes are (file-type's extension, see detectFileType), or undefined when it is not one we take. */
export function audioInputKindOfFormat(ext: string | undefined): AudioInputKind | undefined {
  return ext ? BY_FORMAT[ext] : undefined;
}
const BY_FORMAT: Record<string, AudioInputKind> = {
  wav: 'wav',
  mp3: 'mp3',
  ogg: 'ogg',
  oga: 'ogg',
  opus: 'ogg',
  webm: 'webm',
  m4a: 'm4a',
  mp4: 'm4a',
  aac: 'm4a',
};

export const AUDIO_INPUT_DESCRIPTION = 'WebM/Opus, Ogg, WAV, MP3 or M4A';
