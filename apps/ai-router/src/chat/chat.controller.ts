import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { CHAT_PATTERNS } from '@nitro/contracts';
import type { RedisStreamsContext } from '@nitro/transport';
import { deliveryOf } from '../memory/delivery.util';
import { ConversationService } from '../memory/conversation.service';
import { ProviderRegistry } from '../providers/provider-registry';
import { ChatService } from './chat.service';

/** ai-router's message handlers: each delegates in one line. Payload shapes are in libs/contracts. */
@Controller()
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly conversations: ConversationService,
    private readonly providers: ProviderRegistry,
  ) {}

  @MessagePattern(CHAT_PATTERNS.send)
  send(@Payload() cmd: unknown, @Ctx() ctx: RedisStreamsContext) {
    return this.chat.send(cmd, deliveryOf(ctx));
  }

  @MessagePattern(CHAT_PATTERNS.stream)
  stream(@Payload() cmd: unknown, @Ctx() ctx: RedisStreamsContext) {
    return this.chat.stream(cmd, deliveryOf(ctx));
  }

  @MessagePattern(CHAT_PATTERNS.history)
  history(@Payload() query: unknown) {
    return this.conversations.history(query);
  }

  @MessagePattern(CHAT_PATTERNS.clear)
  clear(@Payload() query: unknown) {
    return this.conversations.clear(query);
  }

  @MessagePattern(CHAT_PATTERNS.sessions)
  sessions(@Payload() query: unknown) {
    return this.conversations.sessions(query);
  }

  @MessagePattern(CHAT_PATTERNS.deleteSession)
  deleteSession(@Payload() query: unknown) {
    return this.conversations.deleteSession(query);
  }

  @MessagePattern(CHAT_PATTERNS.renameSession)
  renameSession(@Payload() cmd: unknown) {
    return this.conversations.rename(cmd);
  }

  @MessagePattern(CHAT_PATTERNS.fork)
  fork(@Payload() cmd: unknown) {
    return this.conversations.fork(cmd);
  }

  @MessagePattern(CHAT_PATTERNS.selectBranch)
  selectBranch(@Payload() cmd: unknown) {
    return this.conversations.selectBranch(cmd);
  }

  @MessagePattern(CHAT_PATTERNS.stats)
  stats() {
    return this.conversations.stats();
  }

  @MessagePattern(CHAT_PATTERNS.providers)
  listProviders() {
    return this.providers.describe();
  }
}
