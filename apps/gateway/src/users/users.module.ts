import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { UserRepository } from './user.repository';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Accounts in Redis and the admin's user and settings routes; exports the repository sign-in reads. */
@Module({ imports: [SessionsModule], controllers: [UsersController], providers: [UserRepository, UsersService], exports: [UserRepository] })
export class UsersModule {}
