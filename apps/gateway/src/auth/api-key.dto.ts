import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline', description: 'A label to recognise the key: 1-64 letters, digits, spaces, ".", "-" or "_".' })
  @IsString()
  @Matches(/^[A-Za-z0-9 ._-]{1,64}$/, { message: 'name must be 1-64 characters: letters, digits, spaces, ".", "-" or "_"' })
  name!: string;
}

export class ApiKeyIdParam {
  @ApiProperty({ example: 'Zk3v9QmT1aBc' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{12}$/, { message: 'id must be an API key id as listed by GET /auth/api-keys' })
  id!: string;
}

export class ApiKeyDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ example: 'nitro_Ab12Cd', description: 'The first characters of the key; the key itself is never shown again.' })
  prefix!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'Shown once: store it now. Send as Authorization: Bearer <key>.' })
  key!: string;
}
