import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '@nitro/contracts';

export const PASSWORD_MIN = 8;
/** Long passphrases are welcome; the cap only bounds hashing work per request. */
export const PASSWORD_MAX = 256;

export class CredentialsDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice', description: 'Also your user_id in every other route.' })
  @IsString()
  @Matches(ID_PATTERN, { message: `username ${ID_MESSAGE}` })
  username!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

export class RegisterDto extends CredentialsDto {
  @ApiPropertyOptional({
    maxLength: 256,
    format: 'password',
    description: "Only for the first account (the admin): the server's ADMIN_BOOTSTRAP_TOKEN.",
  })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  bootstrap_token?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from POST /auth/login or the previous refresh (each one works once).' })
  @IsString()
  @MaxLength(256)
  refresh_token!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: "The session's refresh token; without it, the session of the access token in Authorization ends." })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refresh_token?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @MinLength(1, { message: 'current_password must not be empty' })
  @MaxLength(PASSWORD_MAX)
  current_password!: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, format: 'password' })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  new_password!: string;
}

export class PublicUserDto {
  @ApiProperty({ example: 'alice' })
  id!: string;

  @ApiProperty({ enum: ['admin', 'user'] })
  role!: 'admin' | 'user';

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class MeDto extends PublicUserDto {
  @ApiProperty({ enum: ['jwt', 'api_key', 'disabled'], description: 'How this request was authenticated.' })
  via!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'Send as Authorization: Bearer <access_token>.' })
  access_token!: string;

  @ApiProperty({ example: 'Bearer' })
  token_type!: string;

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expires_in!: number;

  @ApiProperty({ description: 'Opaque, single use: POST /auth/refresh returns a new one. Reusing an old one revokes the session.' })
  refresh_token!: string;

  @ApiProperty({ description: 'Seconds the session lasts without a refresh.' })
  refresh_expires_in!: number;

  @ApiProperty({ type: PublicUserDto })
  user!: PublicUserDto;
}
