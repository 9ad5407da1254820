import { Inject, Injectable } from '@nestjs/common';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AUDIO_INPUT_DESCRIPTION,
  audioInputKind,
  ERROR_CODES,
  VOICE_AUDIO,
  type AudioUploadRef,
  type EngineFallbackDto,
  type TranscriptionDto,
} from '@nitro/contracts';
import { VoiceEnv } from '@nitro/config';
import { ServiceError } from '@nitro/service-kit';
import type { ClaimCheck } from '@nitro/transport';
import { AudioTranscoder } from '../audio/audio-transcoder.service';
import { processToServiceError } from '../audio/engine-error.util';
import { ProcessError } from '../audio/process-runner';
import { withTempDir } from '../audio/temp-dir.util';
import { voiceMetrics } from '../voice.metrics';
import { STT_PROVIDERS, type SttProvider } from './stt-provider.interface';

const BLOB_ID = /^[0-9a-f-]{36}$/;

/** Upload -> checked, decoded audio -> text, trying the configured engines in order. */
@Injectable()
export class SttService {
  constructor(
    private readonly env: VoiceEnv,
    @Inject(STT_PROVIDERS) private readonly providers: SttProvider[],
    private readonly transcoder: AudioTranscoder,
    @Inject(VOICE_AUDIO) private readonly blobs: ClaimCheck,
  ) {}

  async transcribeUpload(audio: AudioUploadRef, language: string | undefined, signal: AbortSignal): Promise<TranscriptionDto> {
    const bytes = await this.takeUpload(audio);
    const kind = audioInputKind(audio.mimetype, audio.filename);
    return withTempDir(async (dir) => {
      const input = join(dir, `upload.${kind}`);
      await writeFile(input, bytes);
      await this.transcoder.probe(input, signal);
      const decoded = await this.transcoder.decodeForSpeech(input, dir, signal);
      const wavPath = join(dir, 'speech-16k.wav');
      return this.recognize({ wav: decoded.wav, wavPath, duration: decoded.duration, language: language ?? this.env.STT_LANGUAGE, signal });
    });
  }

  private async recognize(req: Parameters<SttProvider['transcribe']>[0]): Promise<TranscriptionDto> {
    const fallbacks: EngineFallbackDto[] = [];
    let attempts = 0;
    let timeouts = 0;
    for (const provider of this.providers) {
      const skip = provider.unavailable() ?? provider.unsuitable(req);
      if (skip) {
        fallbacks.push({ engine: provider.name, reason: skip });
        voiceMetrics
          .fallbacks()
          .inc({ kind: 'stt', engine: provider.name, reason: provider.unavailable() ? 'not_configured' : 'unsupported' });
        continue;
      }
      attempts++;
      const end = voiceMetrics.engine().startTimer({ kind: 'stt', engine: provider.name });
      try {
        const out = await provider.transcribe(req);
        end({ outcome: 'ok' });
        voiceMetrics.audioSeconds().inc({ kind: 'stt', engine: provider.name }, req.duration);
        return { ...out, duration: req.duration, engine: provider.name, ...(fallbacks.length ? { fallbacks } : {}) };
      } catch (err) {
        end({ outcome: 'error' });
        if (req.signal.aborted) throw processToServiceError(new ProcessError('aborted', provider.name, 'cancelled'), 'transcription');
        if (err instanceof ProcessError && err.kind === 'timeout') timeouts++;
        const reason = err instanceof ProcessError ? processToServiceError(err, provider.name).message : (err as Error).message;
        fallbacks.push({ engine: provider.name, reason });
        voiceMetrics.fallbacks().inc({ kind: 'stt', engine: provider.name, reason: err instanceof ProcessError ? err.kind : 'error' });
      }
    }
    const list = fallbacks.map((f) => `${f.engine}: ${f.reason}`).join('; ');
    if (attempts > 0 && timeouts === attempts)
      throw new ServiceError(504, ERROR_CODES.timeout, `transcription timed out: ${list}`, { fallbacks });
    throw new ServiceError(503, ERROR_CODES.noProvider, `no speech-to-text engine could transcribe this audio: ${list}`, { fallbacks });
  }

  /** The upload's bytes, after the checks the gateway also made (a direct transport caller skips the gateway). */
  private async takeUpload(audio: AudioUploadRef): Promise<Buffer> {
    if (!audio || typeof audio.blob_id !== 'string' || !BLOB_ID.test(audio.blob_id))
      throw new ServiceError(400, ERROR_CODES.validation, 'audio: a file is required');
    if (!audioInputKind(audio.mimetype, audio.filename)) {
      await this.blobs.drop(audio.blob_id);
      throw new ServiceError(
        415,
        ERROR_CODES.unsupported,
        `audio type "${audio.mimetype ?? 'unknown'}" is not supported: send ${AUDIO_INPUT_DESCRIPTION}`,
      );
    }
    const bytes = await this.blobs.take(audio.blob_id);
    if (!bytes) throw new ServiceError(400, 'UPLOAD_EXPIRED', 'audio: the upload has expired or was already used; send it again');
    if (bytes.length === 0) throw new ServiceError(400, 'EMPTY_AUDIO', 'audio: the uploaded file is empty');
    if (bytes.length > this.env.MAX_UPLOAD_BYTES)
      throw new ServiceError(
        413,
        ERROR_CODES.tooLarge,
        `audio is larger than the limit of ${this.env.MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`,
      );
    return bytes;
  }
}
