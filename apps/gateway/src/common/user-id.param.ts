import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@nitro/contracts';

/** `{user_id}` in a path: the one DTO every route with a user in its path validates with. */
export class UserIdParam {
  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
}
