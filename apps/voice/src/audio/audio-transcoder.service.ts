import { Injectable } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_INPUT_DESCRIPTION, ERROR_CODES, type AudioOutputFormat } from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import { EngineRunner } from './engine-runner.service';
import { processToServiceError } from './engine-error.util';
import { ProcessError } from './process-runner';
import { parseWav } from './wav.util';

export interface ProbeResult {
  format: string;
  /** NaN when the container does not say (MediaRecorder's WebM often does not). */
  duration: number;
  codec?: string;
}

export interface DecodedAudio {
  /** 16 kHz mono 16-bit PCM WAV: what pocketsphinx needs and Google takes as LINEAR16. */
  wav: Buffer;
  duration: number;
}

/** ffprobe's demuxer names for the containers we accept (WebM/Matroska, Ogg, WAV, MP3, MP4/M4A). */
const ACCEPTED_DEMUXERS = [/matroska|webm/, /^ogg$/, /^wav$/, /^mp3$/, /mp4|m4a|mov/];

const FFMPEG_QUIET = ['-nostdin', '-hide_banner', '-loglevel', 'error'];
const ENCODERS: Record<Exclude<AudioOutputFormat, 'wav'>, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3'],
  ogg: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
};

/** ffprobe and ffmpeg, each with a kill timer: what an upload really is, and conversions both ways. */
@Injectable()
export class AudioTranscoder {
  constructor(
    private readonly env: VoiceEnv,
    private readonly runner: EngineRunner,
  ) {}

  /** What the bytes are, whatever the upload claimed: random bytes named .webm are a 400 here. */
  async probe(path: string, signal?: AbortSignal): Promise<ProbeResult> {
    let stdout: Buffer;
    try {
      ({ stdout } = await this.runner.run(
        this.env.FFPROBE_PATH,
        ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_type,codec_name', '-of', 'json', path],
        { signal },
      ));
    } catch (err) {
      if (err instanceof ProcessError && err.kind === 'failed') {
        const why = err.stderr.trim().split('\n').pop()?.replace(path, 'file') ?? 'unreadable';
        throw new ServiceError(400, 'INVALID_AUDIO', `audio could not be read as ${AUDIO_INPUT_DESCRIPTION} (${why})`);
      }
      throw processToServiceError(err, 'reading the audio (ffprobe)');
    }
    const info = JSON.parse(stdout.toString() || '{}') as {
      format?: { format_name?: string; duration?: string };
      streams?: { codec_type?: string; codec_name?: string }[];
    };
    const format = info.format?.format_name ?? 'unknown';
    const audio = info.streams?.find((s) => s.codec_type === 'audio');
    if (!ACCEPTED_DEMUXERS.some((re) => re.test(format))) {
      throw new ServiceError(415, ERROR_CODES.unsupported, `audio format "${format}" is not supported: send ${AUDIO_INPUT_DESCRIPTION}`);
    }
    if (!audio) throw new ServiceError(400, 'INVALID_AUDIO', 'audio: the file has no audio stream');
    return { format, duration: Number(info.format?.duration ?? NaN), codec: audio.codec_name };
  }

  /**
   * Any accepted upload -> 16 kHz mono WAV. Decoding stops one second past the limit, so a file
   * without a duration header cannot make us decode hours of audio; the real length is measured.
   */
  async decodeForSpeech(inputPath: string, dir: string, signal?: AbortSignal): Promise<DecodedAudio> {
    const out = join(dir, 'speech-16k.wav');
    const max = this.env.MAX_AUDIO_SECONDS;
    try {
      await this.runner.run(
        this.env.FFMPEG_PATH,
        [
          ...FFMPEG_QUIET,
          '-y',
          '-i',
          inputPath,
          '-t',
          String(max + 1),
          '-vn',
          '-ac',
          '1',
          '-ar',
          '16000',
          '-c:a',
          'pcm_s16le',
          '-map_metadata',
          '-1',
          '-fflags',
          '+bitexact',
          '-f',
          'wav',
          out,
        ],
        { signal },
      );
    } catch (err) {
      if (err instanceof ProcessError && err.kind === 'failed')
        throw new ServiceError(
          400,
          'INVALID_AUDIO',
          `audio could not be decoded: ${err.stderr.trim().split('\n').pop() ?? 'ffmpeg failed'}`,
        );
      throw processToServiceError(err, 'decoding the audio (ffmpeg)');
    }
    const wav = await readFile(out);
    const { duration } = parseWav(wav);
    if (duration > max) throw new ServiceError(413, 'AUDIO_TOO_LONG', `audio is longer than the limit of ${max} s (MAX_AUDIO_SECONDS)`);
    if (duration < 0.05) throw new ServiceError(400, 'INVALID_AUDIO', 'audio contains no sound (decoded length is 0 s)');
    return { wav, duration: Math.round(duration * 1000) / 1000 };
  }

  /** A WAV from a TTS engine -> the format asked for, through pipes (no temp files). */
  async encode(wav: Buffer, format: AudioOutputFormat, signal?: AbortSignal): Promise<Buffer> {
    if (format === 'wav') return wav;
    try {
      const { stdout } = await this.runner.run(
        this.env.FFMPEG_PATH,
        [...FFMPEG_QUIET, '-f', 'wav', '-i', 'pipe:0', '-map_metadata', '-1', ...ENCODERS[format], 'pipe:1'],
        { signal, input: wav },
      );
      return stdout;
    } catch (err) {
      throw processToServiceError(err, `encoding ${format} (ffmpeg)`);
    }
  }
}
