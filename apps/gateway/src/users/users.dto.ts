import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PublicUserDto } from '../auth/auth.dto';

export class UserListQueryDto {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
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
