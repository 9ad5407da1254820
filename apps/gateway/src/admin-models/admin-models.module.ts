import { Module } from '@nestjs/common';
import { AdminModelsController } from './admin-models.controller';
import { AdminModelsService } from './admin-models.service';
import { ModelPullQueueLifecycle, modelPullQueueProviders } from './model-pull-queue';
import { ModelPullFollower } from './model-pull.follower';

/** The admin's model management (GET/DELETE /admin/models, pulls as BullMQ jobs that ai-router runs). */
@Module({
  controllers: [AdminModelsController],
  providers: [...modelPullQueueProviders, ModelPullQueueLifecycle, ModelPullFollower, AdminModelsService],
})
export class AdminModelsModule {}
