/** voice message patterns. WARNING: renaming one breaks replicas of other versions in a rolling deploy. */
export const VOICE_PATTERNS = {
  transcribe: 'voice.transcribe',
  speak: 'voice.speak',
  chat: 'voice.chat',
  voices: 'voice.voices',
} as const;

/**
 * Audio never rides the request/reply streams: uploads and synthesized audio go beside the message
 * through a claim check (libs/transport ClaimCheck; the reader takes it once, the TTL frees what
 * nobody took). See docs/adr/0004-voice-pipeline.md. VOICE_AUDIO is the DI token in both services.
 */
export const VOICE_AUDIO_CLAIMS = { namespace: 'voice-audio', ttlMs: 10 * 60_000 } as const;
export const VOICE_AUDIO = 'VOICE_AUDIO_CLAIMS';
