import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';
import { ChatStreamRepository } from './chat-stream.repository';
import { ChatStreamsController } from './chat-streams.controller';
import { ChatStreamsService } from './chat-streams.service';

@Module({
  controllers: [ChatController, ChatStreamsController],
  providers: [ChatService, ChatStreamsService, ChatStreamRepository],
  exports: [ChatStreamsService],
})
export class ChatModule {}
