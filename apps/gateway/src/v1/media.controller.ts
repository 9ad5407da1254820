import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  type ApiBodyOptions,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  EmbeddingsRequestDto,
  ImageGenerationRequestDto,
  SpeechRequestDto,
  TranscriptionFieldsDto,
  TRANSCRIPTION_FORMATS,
} from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ClientSignal, ReadUpload, Uploaded } from '../common/request-params.decorators';
import { audioUpload, type VoiceUpload } from '../voice/voice-upload.reader';
import { AudioService } from './audio.service';
import { EmbeddingsService } from './embeddings.service';
import { ImagesService } from './images.service';
import { V1Errors } from './v1-docs';

const TRANSCRIPTION_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file', 'model'],
    properties: {
      file: { type: 'string', format: 'binary', description: 'WAV, MP3, Ogg, WebM or M4A; at most VOICE_MAX_UPLOAD_BYTES.' },
      model: {
        type: 'string',
        example: 'whisper-1',
        description: 'whisper-1, gpt-4o-mini-transcribe, gpt-4o-transcribe (the configured engines), or pocketsphinx, whisper, google.',
      },
      language: { type: 'string', example: 'en' },
      response_format: { type: 'string', enum: [...TRANSCRIPTION_FORMATS], default: 'json' },
    },
  },
};

/** OpenAI-compatible embeddings, images and audio; each delegates to its service. */
@ApiTags('openai')
@ApiBearerAuth()
@V1Errors()
@Controller('v1')
export class V1MediaController {
  constructor(
    private readonly embeddings: EmbeddingsService,
    private readonly images: ImagesService,
    private readonly audio: AudioService,
  ) {}

  @Post('embeddings')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI-compatible embeddings: local models (node-llama-cpp), Ollama (/api/embed), Gemini.' })
  @ApiBody({ type: EmbeddingsRequestDto, examples: { two: { value: { model: 'default', input: ['first text', 'second text'] } } } })
  @ApiOkResponse({
    schema: {
      example: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.01, -0.02] }],
        model: 'local/stories260K',
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
    },
  })
  createEmbeddings(@CurrentUser() user: AuthUser, @Body() dto: EmbeddingsRequestDto, @ClientSignal() signal: AbortSignal) {
    return this.embeddings.create(user, dto, signal);
  }

  @Post('images/generations')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'OpenAI-compatible image generation through the media queue (waits up to 300 s). The image lands in your gallery; `url` is its download path (same Authorization).',
  })
  @ApiBody({
    type: ImageGenerationRequestDto,
    examples: {
      procedural: {
        value: { prompt: 'a lighthouse on a cliff at dusk', model: 'procedural', size: '256x256', response_format: 'b64_json' },
      },
    },
  })
  @ApiOkResponse({
    schema: {
      example: {
        created: 1764496800,
        data: [{ url: '/gallery/download/img-5f0c3a9e2b7d4c1a8e6f0b3d-0.png', revised_prompt: 'a lighthouse on a cliff at dusk' }],
      },
    },
  })
  generateImage(@CurrentUser() user: AuthUser, @Body() dto: ImageGenerationRequestDto, @ClientSignal() signal: AbortSignal) {
    return this.images.generate(user, dto, signal);
  }

  @Post('audio/speech')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI-compatible text-to-speech; the body is the audio. X-Voice-Engine and X-Voice name what spoke.' })
  @ApiBody({
    type: SpeechRequestDto,
    examples: {
      alloy: { value: { model: 'tts-1', input: 'The quick brown fox jumps over the lazy dog.', voice: 'alloy', response_format: 'wav' } },
    },
  })
  @ApiProduces('audio/mpeg', 'audio/wav', 'audio/ogg')
  @ApiOkResponse({ description: 'The audio.', schema: { type: 'string', format: 'binary' } })
  async speech(
    @CurrentUser() user: AuthUser,
    @Body() dto: SpeechRequestDto,
    @ClientSignal() signal: AbortSignal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { bytes, speech } = await this.audio.speech(user, dto, signal);
    reply.header('Content-Type', speech.content_type).header('X-Voice-Engine', speech.engine).header('X-Voice', speech.voice);
    return bytes;
  }

  @Post('audio/transcriptions')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI-compatible speech-to-text (multipart `file` and `model`); response_format json, text or verbose_json.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(TRANSCRIPTION_BODY)
  @ApiOkResponse({ schema: { example: { text: 'the quick brown fox jumps over the lazy dog' } } })
  @ReadUpload(audioUpload(TranscriptionFieldsDto))
  async transcription(
    @CurrentUser() user: AuthUser,
    @Uploaded() upload: VoiceUpload<TranscriptionFieldsDto>,
    @ClientSignal() signal: AbortSignal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const out = await this.audio.transcription(user, upload, signal);
    if (typeof out === 'string') reply.header('Content-Type', 'text/plain; charset=utf-8');
    return out;
  }
}
