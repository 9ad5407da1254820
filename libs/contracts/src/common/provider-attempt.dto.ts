import { ApiProperty } from '@nestjs/swagger';

/**
 * One provider (vendor, engine) tried or skipped before the one that answered, and why it could
 * not answer. Every answer's `fallbacks` lists these: chat, image jobs, search and voice.
 */
export class ProviderAttemptDto {
  @ApiProperty({ example: 'duckduckgo' })
  provider!: string;
  @ApiProperty({ example: 'timeout: no answer within 8000 ms' })
  reason!: string;
}
