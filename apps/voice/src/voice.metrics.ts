import { counter, histogram } from '@nitro/observability';

/** Voice metrics, created on first use (get-or-create) so specs that load modules twice do not collide. */
export const voiceMetrics = {
  /** Seconds per engine process; outcome ok | timeout | aborted | failed | missing | output_too_large. */
  process: () =>
    histogram(
      'nitro_voice_process_seconds',
      'Engine child-process duration',
      ['command', 'outcome'],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    ),
  /** Seconds per engine attempt (stt or tts); outcome ok | error. */
  engine: () =>
    histogram(
      'nitro_voice_engine_seconds',
      'Speech engine attempt duration',
      ['kind', 'engine', 'outcome'],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    ),
  /** Seconds of audio transcribed or synthesized. */
  audioSeconds: () => counter('nitro_voice_audio_seconds_total', 'Audio seconds processed', ['kind', 'engine']),
  /** An engine was passed over: not_configured, unsupported, or a failure kind. */
  fallbacks: () =>
    counter('nitro_voice_fallbacks_total', 'Speech engines skipped or failed before another served (or none did)', [
      'kind',
      'engine',
      'reason',
    ]),
};
