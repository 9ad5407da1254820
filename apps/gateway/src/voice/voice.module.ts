import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module';
import { VoiceBlobStore } from './voice-blob.store';
import { VoiceController } from './voice.controller';
import { VoiceService } from './voice.service';

@Module({ imports: [ChatModule], controllers: [VoiceController], providers: [VoiceService, VoiceBlobStore] })
export class VoiceModule {}
