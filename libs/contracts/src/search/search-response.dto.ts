import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ProviderAttemptDto } from '../common/provider-attempt.dto';

export class SearchResultDto {
  @ApiProperty({ example: 1, description: '1-based rank; a summary citation [n] refers to the result with this position.' })
  position!: number;
  @ApiProperty()
  title!: string;
  @ApiProperty({ example: 'https://redis.io/docs/latest/develop/data-types/streams/' })
  url!: string;
  @ApiProperty({ description: 'Plain-text excerpt (may be empty).' })
  snippet!: string;
  @ApiProperty({ example: 'redis.io', description: 'Domain of the result URL.' })
  source!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2026-06-23T00:00:00.000Z',
    description: 'Publication date where the provider knows it (ISO 8601).',
  })
  published_at?: string | null;
}

export class VideoResultDto extends SearchResultDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '4:13', description: 'Human-readable length.' })
  duration?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, example: 253, description: 'Length in seconds.' })
  duration_s?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Redis' })
  channel?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Thumbnail image URL.' })
  thumbnail?: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://www.youtube.com/embed/dQw4w9WgXcQ',
    description: 'URL for an <iframe> player.',
  })
  embed_url?: string | null;
}

export class CitationDto {
  @ApiProperty({ example: 1, description: "The [n] used in the summary text; equals the cited result's position." })
  n!: number;
  @ApiProperty()
  title!: string;
  @ApiProperty()
  url!: string;
  @ApiProperty({ example: 'redis.io' })
  source!: string;
}

export class SearchSummaryDto {
  @ApiProperty({ description: 'Summary text with citations [n]; only citations that map to a listed result are kept.' })
  text!: string;
  @ApiProperty({ type: [CitationDto], description: 'Every result the text cites, in order of first citation.' })
  citations!: CitationDto[];
  @ApiProperty({
    description: 'True when the model cited nothing usable and a "Sources: [1] … [n]" list was appended by the search service.',
  })
  citations_added!: boolean;
  @ApiProperty({ example: 'phi3' })
  ai_model!: string;
  @ApiProperty({ example: 'ollama' })
  ai_source!: string;
  @ApiProperty({ description: 'How many result pages were read for the summary (0 when page fetching is off).' })
  pages_fetched!: number;
}

export class SummaryErrorDto {
  @ApiProperty({ example: 503 })
  status!: number;
  @ApiProperty({ example: 'SERVICE_UNAVAILABLE' })
  code!: string;
  @ApiProperty()
  message!: string;
}

class SearchResponseBase {
  @ApiProperty()
  query!: string;
  @ApiProperty({ example: 'duckduckgo', description: 'Provider that served the results.' })
  provider!: string;
  @ApiProperty({ description: 'True when the results came from the cache.' })
  cached!: boolean;
  @ApiProperty({ type: [ProviderAttemptDto], description: 'Providers tried before this one, with the reason each was skipped.' })
  fallbacks!: ProviderAttemptDto[];
  @ApiProperty({ example: '2026-11-28T10:00:00.000Z' })
  timestamp!: string;
  @ApiProperty({ description: 'Time spent in the search service, ms.' })
  took_ms!: number;
}

export class SearchResponseDto extends SearchResponseBase {
  @ApiProperty({ type: [SearchResultDto] })
  results!: SearchResultDto[];
  @ApiProperty({
    type: SearchSummaryDto,
    nullable: true,
    description: 'Null when summarize is false, there are no results, or the summary failed (see summary_error).',
  })
  summary!: SearchSummaryDto | null;
  @ApiPropertyOptional({
    type: SummaryErrorDto,
    description: 'Why the summary is missing although it was asked for; the results are still valid.',
  })
  summary_error?: SummaryErrorDto;
}

export class VideoSearchResponseDto extends SearchResponseBase {
  @ApiProperty({ type: [VideoResultDto] })
  results!: VideoResultDto[];
}

/**
 * One Server-Sent Event of POST /search/stream: `results` first, then `token`s of the summary,
 * then `done`. `error` only when the search itself failed (results never came).
 */
export type SearchStreamEvent =
  | { type: 'results'; query: string; provider: string; cached: boolean; fallbacks: ProviderAttemptDto[]; results: SearchResultDto[] }
  | { type: 'token'; text: string }
  | { type: 'done'; summary: SearchSummaryDto | null; summary_error?: SummaryErrorDto; took_ms: number }
  | { type: 'error'; status: number; code: string; message: string; incomplete: boolean };
