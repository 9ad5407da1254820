import { Module } from '@nestjs/common';
import { SessionRepository } from './session.repository';

/** Refresh-token sessions in Redis: used by sign-in (auth) and by admin tools that end a user's sessions (users). */
@Module({ providers: [SessionRepository], exports: [SessionRepository] })
export class SessionsModule {}
