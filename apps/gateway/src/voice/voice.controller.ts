import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  SpeakRequestDto,
  TranscribeFieldsDto,
  TranscriptionDto,
  VoiceChatFieldsDto,
  VoiceChatResponseDto,
  VoiceListDto,
} from '@nitro/contracts';
import { AuthUser, CurrentUser } from '../auth/auth-user';
import { ClientSignal, ReadUpload, Uploaded } from '../common/request-params.decorators';
import { sendSse } from '../common/sse';
import { audioUpload, type VoiceUpload } from './voice-upload.reader';
import { VoiceService } from './voice.service';

const AUDIO_PART = {
  type: 'string',
  format: 'binary',
  description: 'WebM/Opus, Ogg, WAV, MP3 or M4A; at most VOICE_MAX_UPLOAD_BYTES (25 MB) and MAX_AUDIO_SECONDS (300 s).',
};
const TRANSCRIBE_BODY = {
  schema: { type: 'object', required: ['audio'], properties: { audio: AUDIO_PART, language: { type: 'string', example: 'en-US' } } },
};
const CHAT_BODY = {
  schema: {
    type: 'object',
    required: ['audio', 'user_id'],
    properties: {
      audio: AUDIO_PART,
      user_id: { type: 'string', example: 'alice' },
      session_id: { type: 'string', example: 'default' },
      language: { type: 'string', example: 'en-US' },
      voice: { type: 'string', example: 'kal16' },
      format: { type: 'string', enum: ['wav', 'mp3', 'ogg'], default: 'mp3' },
      max_tokens: { type: 'integer', minimum: 1, maximum: 8192 },
    },
  },
};
const BAD_AUDIO = 'Empty or unreadable audio, or a bad field; the message names it.';

/** Speech-to-text, text-to-speech and spoken chat; the voice service does the work. */
@ApiTags('voice')
@ApiBearerAuth()
@ApiBadRequestResponse({ description: BAD_AUDIO })
@ApiServiceUnavailableResponse({ description: 'No engine could serve; the message lists each engine and what to install or configure.' })
@Controller('voice')
export class VoiceController {
  constructor(private readonly voice: VoiceService) {}

  @Post('transcribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'Transcribe an audio file: text, language, duration, engine and per-word timings where the engine gives them.' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(TRANSCRIBE_BODY)
  @ApiOkResponse({ type: TranscriptionDto })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than 25 MB or longer than 5 minutes.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The file is not WebM/Opus, Ogg, WAV, MP3 or M4A.' })
  @ReadUpload(audioUpload(TranscribeFieldsDto))
  transcribe(@CurrentUser() user: AuthUser, @Uploaded() upload: VoiceUpload<TranscribeFieldsDto>, @ClientSignal() signal: AbortSignal) {
    return this.voice.transcribe(user, upload, signal);
  }

  @Post('speak')
  @HttpCode(200)
  @ApiOperation({ summary: 'Speak a text. The body is the audio file; X-Voice-Engine and X-Voice name the engine and voice that spoke.' })
  @ApiProduces('audio/wav', 'audio/mpeg', 'audio/ogg')
  @ApiOkResponse({
    description: 'The audio, with Content-Type audio/wav, audio/mpeg or audio/ogg.',
    schema: { type: 'string', format: 'binary' },
  })
  async speak(
    @CurrentUser() user: AuthUser,
    @Body() dto: SpeakRequestDto,
    @ClientSignal() signal: AbortSignal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { bytes, speech } = await this.voice.speak(user, dto, signal);
    reply.header('Content-Type', speech.content_type).header('Content-Disposition', `inline; filename="speech.${speech.format}"`);
    reply.header('X-Voice-Engine', speech.engine).header('X-Voice', speech.voice);
    return bytes;
  }

  @Get('voices')
  @ApiOperation({ summary: 'Voices of every configured text-to-speech engine; pass an `id` (or a name or language code) as `voice`.' })
  @ApiOkResponse({ type: VoiceListDto })
  voices() {
    return this.voice.voices();
  }

  @Post('chat')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Talk to the assistant: the audio is transcribed, answered through chat (stored in the user's conversation like a typed message) and the answer spoken.",
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(CHAT_BODY)
  @ApiOkResponse({ type: VoiceChatResponseDto })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than 25 MB or longer than 5 minutes.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'The file is not WebM/Opus, Ogg, WAV, MP3 or M4A.' })
  @ReadUpload(audioUpload(VoiceChatFieldsDto))
  chat(@CurrentUser() user: AuthUser, @Uploaded() upload: VoiceUpload<VoiceChatFieldsDto>, @ClientSignal() signal: AbortSignal) {
    return this.voice.chat(user, upload, signal);
  }

  @Post('chat/stream')
  @ApiOperation({
    summary: 'Talk to the assistant and stream the reply as Server-Sent Events; each sentence is spoken as soon as it is complete.',
    description:
      'Every event has an `id:` line. Events: `start` ({ stream_id }; also the X-Stream-Id header: POST /chat/streams/{stream_id}/stop stops the answer), `transcript` (text, language, duration, engine, words); `meta` (session_id, ai_model, ai_source); `token` ({ text }) per chunk; ' +
      '`audio` ({ index, text, format, mime_type, engine, voice, base64 }) once per sentence, in order, while tokens continue; then `done` ' +
      '(transcript, response, ai_model, ai_source, session_id, timestamp, status, audio_chunks) or `error` ({ status, code, message, incomplete }). ' +
      'Problems found before the transcript (bad audio, limits, unknown fields) are plain HTTP errors, not events.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(CHAT_BODY)
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'text/event-stream' })
  @ReadUpload(audioUpload(VoiceChatFieldsDto))
  async chatStream(
    @CurrentUser() user: AuthUser,
    @Uploaded() upload: VoiceUpload<VoiceChatFieldsDto>,
    @ClientSignal() signal: AbortSignal,
    @Res() reply: FastifyReply,
  ) {
    const { streamId, events } = await this.voice.chatStream(user, upload, signal);
    sendSse(reply, events, { headers: { 'X-Stream-Id': streamId } });
  }
}
