import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CommaList } from './comma-list';
import { ServiceEnv } from './common.env';

const STT_ENGINE_NAMES = ['whisper', 'google', 'pocketsphinx'] as const;
const TTS_ENGINE_NAMES = ['google', 'flite', 'espeak'] as const;
const URL_OR_EMPTY = /^(https?:\/\/\S+)?$/;
const COMMAND = /^\S{1,512}$/;

/**
 * The voice service's variables: speech-to-text and text-to-speech engines, audio limits and the
 * child-process timeout. Defaults work offline on a fresh machine (pocketsphinx, flite, espeak-ng,
 * ffmpeg from Debian); engines that need a URL or credentials and have none are skipped with a
 * reason naming the variable. See docs/adr/0004-voice-pipeline.md.
 */
export class VoiceEnv extends ServiceEnv {
  /** Port for /health and /metrics (Prometheus scrapes voice:8103). */
  @IsInt()
  @Min(0)
  @Max(65535)
  override HTTP_PORT: number = 8103;

  // --- engines, in fallback order ---
  /** Speech-to-text engines in the order they are tried; unconfigured ones are skipped. */
  @CommaList(STT_ENGINE_NAMES)
  STT_PROVIDERS: (typeof STT_ENGINE_NAMES)[number][] = ['whisper', 'google', 'pocketsphinx'];

  /** Text-to-speech engines in the order they are tried for a voice or language several of them offer. */
  @CommaList(TTS_ENGINE_NAMES)
  TTS_PROVIDERS: (typeof TTS_ENGINE_NAMES)[number][] = ['flite', 'espeak', 'google'];

  /** Voice used when a request names none ("engine:name" or a name from GET /voice/voices). */
  @Matches(/^[\w.:+-]{1,128}$/, { message: 'must be a voice name such as kal16, en-us or google:en-US-Wavenet-D' })
  TTS_DEFAULT_VOICE: string = 'kal16';

  /** Language assumed for transcription when the request gives none (BCP-47). */
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a BCP-47 language code such as en-US' })
  STT_LANGUAGE: string = 'en-US';

  // --- limits ---
  /** Largest accepted upload, bytes (the gateway enforces its own copy of this limit while streaming). */
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  MAX_UPLOAD_BYTES: number = 25 * 1024 * 1024;

  /** Longest accepted audio, seconds. */
  @IsInt()
  @Min(1)
  @Max(4 * 3600)
  MAX_AUDIO_SECONDS: number = 300;

  /** Longest text for POST /voice/speak, characters. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_TTS_CHARS: number = 5000;

  /** Kill timer for every child process (ffmpeg, ffprobe, flite, espeak-ng); speech recognition adds 1 s per second of audio. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  PROCESS_TIMEOUT_MS: number = 60_000;

  /** Engine processes running at once in this replica; more requests wait their turn (2 cores: keep it small). */
  @IsInt()
  @Min(1)
  @Max(256)
  ENGINE_CONCURRENCY: number = 4;

  // --- offline engines (paths are for installs outside PATH, and for tests) ---
  @Matches(COMMAND, { message: 'must be a command name or path without spaces' })
  FFMPEG_PATH: string = 'ffmpeg';

  @Matches(COMMAND, { message: 'must be a command name or path without spaces' })
  FFPROBE_PATH: string = 'ffprobe';

  @Matches(COMMAND, { message: 'must be a command name or path without spaces' })
  POCKETSPHINX_PATH: string = 'pocketsphinx_continuous';

  @Matches(COMMAND, { message: 'must be a command name or path without spaces' })
  FLITE_PATH: string = 'flite';

  @Matches(COMMAND, { message: 'must be a command name or path without spaces' })
  ESPEAK_PATH: string = 'espeak-ng';

  // --- Google Cloud Speech-to-Text and Text-to-Speech ---
  /** A service-account JSON key file; Google's own variable name. Either this or GOOGLE_API_KEY enables the google engines. */
  @IsString()
  GOOGLE_APPLICATION_CREDENTIALS: string = '';

  /** An API key restricted to Speech-to-Text / Text-to-Speech (sent as x-goog-api-key). */
  @IsString()
  GOOGLE_API_KEY: string = '';

  /** Another endpoint for both Google APIs (a proxy, or a local server in tests), e.g. http://127.0.0.1:9000. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty' })
  GOOGLE_API_ENDPOINT: string = '';

  /** Per-request timeout for Google calls, ms. */
  @IsInt()
  @Min(100)
  @Max(600_000)
  GOOGLE_TIMEOUT_MS: number = 30_000;

  // --- whisper-compatible server (optional) ---
  /** whisper.cpp server's /inference or an OpenAI-style /v1/audio/transcriptions URL; empty = not used. */
  @Matches(URL_OR_EMPTY, { message: 'must be an http(s) URL or empty' })
  WHISPER_URL: string = '';

  /** Model name sent to an OpenAI-style endpoint. */
  @Matches(/^\S{1,128}$/, { message: 'must be a model name without spaces' })
  WHISPER_MODEL: string = 'whisper-1';

  @IsInt()
  @Min(100)
  @Max(3_600_000)
  WHISPER_TIMEOUT_MS: number = 120_000;
}
