/** voice message patterns. WARNING: renaming one breaks replicas of other versions in a rolling deploy. */
export const VOICE_PATTERNS = {
  transcribe: 'voice.transcribe',
  speak: 'voice.speak',
  chat: 'voice.chat',
  voices: 'voice.voices',
} as const;

/**
 * Audio never rides the request/reply streams: those entries stay in Redis until MAXLEN trims them
 * (thousands of requests later). Uploads and synthesized audio go in a short-lived key instead; the
 * reader takes it with GETDEL, and the TTL frees what nobody took. See docs/adr/0004-voice-pipeline.md.
 */
export const voiceBlobKey = (id: string): string => `nitro:voice:blob:${id}`;
export const VOICE_BLOB_TTL_MS = 10 * 60_000;
