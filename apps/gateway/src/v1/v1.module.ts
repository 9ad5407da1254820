import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { MediaModule } from '../media/media.module';
import { VoiceModule } from '../voice/voice.module';
import { AudioService } from './audio.service';
import { ChatCompletionsController } from './chat-completions.controller';
import { ChatCompletionsService } from './chat-completions.service';
import { EmbeddingsService } from './embeddings.service';
import { ImagesService } from './images.service';
import { V1MediaController } from './media.controller';
import { ModelsController, V1ModelsController } from './models.controller';
import { ModelsService } from './models.service';
import { registerOpenAiErrors } from './openai-error';

/** The OpenAI-compatible API under /v1 and the native GET /models (docs/adr/0008-openai-compatible-api.md). */
@Module({
  imports: [MediaModule, VoiceModule],
  controllers: [ModelsController, V1ModelsController, ChatCompletionsController, V1MediaController],
  providers: [ModelsService, ChatCompletionsService, EmbeddingsService, ImagesService, AudioService],
})
export class V1Module implements OnModuleInit {
  constructor(private readonly adapter: HttpAdapterHost) {}

  /** Before Fastify is ready: every /v1 error body leaves in OpenAI's shape (one hook, all routes). */
  onModuleInit(): void {
    registerOpenAiErrors(this.adapter.httpAdapter.getInstance<FastifyInstance>());
  }
}
