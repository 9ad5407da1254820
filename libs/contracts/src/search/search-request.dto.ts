import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars } from '../common/text.validators';
import {
  MAX_QUERY_CHARS,
  MAX_SEARCH_RESULTS,
  REGION_PATTERN,
  SAFE_SEARCH_LEVELS,
  SafeSearchLevel,
  TIME_RANGES,
  TimeRange,
  VIDEO_SEARCH_PROVIDERS,
  VideoSearchProviderName,
  WEB_SEARCH_PROVIDERS,
  WebSearchProviderName,
} from './search.patterns';
import { NestedObject } from '../common/nested.validators';

/** Options both kinds of search share. */
class CommonSearchOptionsDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_SEARCH_RESULTS,
    default: 10,
    description: 'How many results to return (providers may have fewer).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SEARCH_RESULTS)
  max_results?: number;

  @ApiPropertyOptional({
    example: 'en-US',
    description:
      'language-COUNTRY; each provider receives it in its own form (DuckDuckGo "us-en", Brave country + search_lang, YouTube regionCode).',
  })
  @IsOptional()
  @IsString()
  @Matches(REGION_PATTERN, { message: 'region must look like "en-US" (language-COUNTRY)' })
  region?: string;

  @ApiPropertyOptional({ enum: SAFE_SEARCH_LEVELS, default: 'moderate' })
  @IsOptional()
  @IsIn(SAFE_SEARCH_LEVELS as unknown as string[])
  safe_search?: SafeSearchLevel;

  @ApiPropertyOptional({ enum: TIME_RANGES, description: 'Only results published within this period.' })
  @IsOptional()
  @IsIn(TIME_RANGES as unknown as string[])
  time_range?: TimeRange;
}

export class SearchOptionsDto extends CommonSearchOptionsDto {
  @ApiPropertyOptional({ default: true, description: 'Ask ai-router for a summary citing the results as [1], [2] …' })
  @IsOptional()
  @IsBoolean()
  summarize?: boolean;

  @ApiPropertyOptional({ enum: WEB_SEARCH_PROVIDERS, description: 'Use this provider only (no fallback); default: the configured order.' })
  @IsOptional()
  @IsIn(WEB_SEARCH_PROVIDERS as unknown as string[])
  provider?: WebSearchProviderName;

  @ApiPropertyOptional({
    description: 'Read the top result pages (public addresses only, size and time capped) for the summary; default from FETCH_PAGES.',
  })
  @IsOptional()
  @IsBoolean()
  fetch_pages?: boolean;
}

export class VideoSearchOptionsDto extends CommonSearchOptionsDto {
  @ApiPropertyOptional({
    enum: VIDEO_SEARCH_PROVIDERS,
    description: 'Use this provider only (no fallback); default: the configured order.',
  })
  @IsOptional()
  @IsIn(VIDEO_SEARCH_PROVIDERS as unknown as string[])
  provider?: VideoSearchProviderName;
}

class QueryAndUser {
  @ApiProperty({
    minLength: 1,
    maxLength: MAX_QUERY_CHARS,
    example: 'redis streams consumer groups',
    description: 'Characters are Unicode code points; the query must contain visible text.',
  })
  @IsString()
  @MinLength(1, { message: 'query must not be empty' })
  @MaxChars(MAX_QUERY_CHARS)
  @HasVisibleText()
  query!: string;

  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
}

export class SearchRequestDto extends QueryAndUser {
  @ApiPropertyOptional({ type: SearchOptionsDto })
  @IsOptional()
  @NestedObject(() => SearchOptionsDto)
  options?: SearchOptionsDto;
}

export class VideoSearchRequestDto extends QueryAndUser {
  @ApiPropertyOptional({ type: VideoSearchOptionsDto })
  @IsOptional()
  @NestedObject(() => VideoSearchOptionsDto)
  options?: VideoSearchOptionsDto;
}

/** What the gateway (or agents) send over the transport: the validated request as plain JSON. */
export type SearchCommand = Pick<SearchRequestDto, 'query' | 'user_id'> & { options?: Partial<SearchOptionsDto> };
export type VideoSearchCommand = Pick<VideoSearchRequestDto, 'query' | 'user_id'> & { options?: Partial<VideoSearchOptionsDto> };
