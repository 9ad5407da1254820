import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PublicUserDto } from '../auth/auth.dto';

/** Far past any user count, and inside Redis's 64-bit range (offset=1e20 used to reach ZRANGE and answer 500). */
const MAX_OFFSET = 1_000_000_000;

export class UserListQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET, { message: `offset must be a whole number from 0 to ${MAX_OFFSET}` })
  offset?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class AdminUserDto extends PublicUserDto {
  @ApiProperty()
  disabled!: boolean;
}

export class SettingsDto {
  @ApiProperty({ description: 'Effective: REGISTRATION_OPEN (config) and the admin switch must both allow it.' })
  registration_open!: boolean;

  @ApiProperty({ description: 'REGISTRATION_OPEN from config: when false, the admin switch cannot reopen registration.' })
  registration_open_config!: boolean;
}

export class UpdateSettingsDto {
  @ApiProperty({ description: 'Open or close registration for everyone but the first user.' })
  @IsBoolean()
  registration_open!: boolean;
}
