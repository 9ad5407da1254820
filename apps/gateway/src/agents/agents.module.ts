import { Module } from '@nestjs/common';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/** /agent/*: the agents service's tasks over the transport. */
@Module({ controllers: [AgentsController], providers: [AgentsService] })
export class AgentsModule {}
