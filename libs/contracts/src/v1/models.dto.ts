import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { ModelName } from '../common/text.validators';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import type { ProviderName } from '../chat/chat.dto';

/** What a model can do, where its provider says so (`vision`, `tools` only when known). */
export const MODEL_CAPABILITIES = ['chat', 'embeddings', 'vision', 'tools'] as const;
export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];

/** One chat model of the registry (ai-router's `models.list`, the gateway's GET /models). */
export class ModelInfoDto {
  @ApiProperty({
    example: 'local/stories260K',
    description: '`<provider>/<model>`: pass it as `options.model` (POST /chat) or `model` (/v1).',
  })
  id!: string;
  @ApiProperty({ example: 'local', enum: ['ollama', 'local', 'gemini'] })
  provider!: ProviderName;
  @ApiProperty({ example: 'stories260K', description: "The provider's own name for the model." })
  model!: string;
  @ApiProperty({ example: true })
  available!: boolean;
  @ApiPropertyOptional({
    example: 'unreachable: 127.0.0.1:11434: connection refused',
    description:
      'Why the model cannot be used now (absent when available). The admin reads the detail (hosts, paths, variables to set); ' +
      'anyone else reads plain words ("Not set up on this server. Ask your administrator.").',
  })
  reason?: string;
  @ApiPropertyOptional({ example: 2048, description: 'Context window in tokens, when known.' })
  context_length?: number;
  @ApiProperty({ example: ['chat', 'embeddings'], enum: MODEL_CAPABILITIES, isArray: true })
  capabilities!: ModelCapability[];
}

/** A provider of the routing order and whether its models could be listed. */
export class ModelProviderStatusDto {
  @ApiProperty({ example: 'ollama' })
  provider!: ProviderName;
  @ApiProperty({ example: false })
  available!: boolean;
  @ApiPropertyOptional({
    example: 'unreachable: 127.0.0.1:11434: connection refused',
    description: 'As `reason` on a model: the detail for the admin, plain words for anyone else.',
  })
  reason?: string;
}

export class ModelListDto {
  @ApiProperty({ type: [ModelInfoDto], description: 'Models in routing order (AI_PROVIDERS), available or not.' })
  models!: ModelInfoDto[];
  @ApiProperty({ type: [ModelProviderStatusDto] })
  providers!: ModelProviderStatusDto[];
  @ApiProperty({
    example: '2026-11-30T10:00:00.000Z',
    description: 'When the list was last refreshed (MODELS_REFRESH_MS, or ?refresh=true).',
  })
  refreshed_at!: string;
}

/** models.list: `refresh` asks every provider again before answering. */
export class ModelsQuery {
  @IsOptional()
  @IsBoolean()
  refresh?: boolean;
}

/** What every model command to ai-router carries: who asks, and which registry model (omitted: routing picks). */
export class ModelCommand {
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;

  /** A registry id `<provider>/<model>`; omitted: the routing order picks (local-first, fallback). */
  @IsOptional()
  @ModelName(256)
  model?: string;
}
