import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { UserRepository } from './user.repository';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { UserUids } from './user-uids.service';

/** Accounts in Redis and the admin's user and settings routes; exports the repository sign-in reads and the username -> uid mapping. */
@Module({
  imports: [SessionsModule],
  controllers: [UsersController],
  providers: [UserRepository, UsersService, UserUids],
  exports: [UserRepository, UserUids],
})
export class UsersModule {}
