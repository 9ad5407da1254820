import { Module } from '@nestjs/common';
import { VoiceBlobStore } from './voice-blob.store';
import { VoiceController } from './voice.controller';
import { VoiceService } from './voice.service';

@Module({ controllers: [VoiceController], providers: [VoiceService, VoiceBlobStore] })
export class VoiceModule {}
