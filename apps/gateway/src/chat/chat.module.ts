import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller';
import { ChatService } from './chat.service';
import { ChatStreamRepository } from './chat-stream.repository';
import { ChatStreamsController } from './chat-streams.controller';
import { ChatStreamsService } from './chat-streams.service';
import { AgentsModule } from '../agents/agents.module';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';

@Module({
  imports: [AgentsModule],
  controllers: [ChatController, ChatStreamsController, AttachmentsController],
  providers: [ChatService, ChatStreamsService, ChatStreamRepository, AttachmentsService, AttachmentsRepository],
  exports: [ChatStreamsService],
})
export class ChatModule {}
