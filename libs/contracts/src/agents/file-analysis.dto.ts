import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { LlmStatusDto } from './code-review.dto';

/** `data` of analyze_file: an upload parked by the gateway, or small content inline as base64. */
export class AnalyzeFileInputDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Set by POST /agent/file-analyze; not for direct use.' })
  @IsOptional()
  @IsUUID('4', { message: 'upload_id must be a UUID' })
  upload_id?: string;

  @ApiPropertyOptional({ description: 'The file as base64 (for small files sent as JSON through /agent/execute).' })
  @IsOptional()
  @IsString()
  @IsBase64(undefined, { message: 'content_base64 must be base64' })
  content_base64?: string;

  @ApiPropertyOptional({
    maxLength: 255,
    example: 'report.csv',
    description: 'Reported back; the type is read from the bytes, never from the name.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  filename?: string;

  @ApiPropertyOptional({ default: true, description: 'false skips the LLM summary.' })
  @IsOptional()
  @IsBoolean()
  llm?: boolean;
}

/** `data` of scan_directory: a path relative to AGENTS_WORKSPACE_ROOT. */
export class ScanDirectoryInputDto {
  @ApiPropertyOptional({
    default: '.',
    maxLength: 1024,
    example: 'project/src',
    description: 'Relative to the workspace root; absolute paths, ".." and links leading out are refused (403).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  path?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 64, description: 'Lower the configured SCAN_MAX_DEPTH for this scan.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(64)
  max_depth?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000, description: 'Lower the configured SCAN_MAX_FILES for this scan.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  max_files?: number;
}

export class DetectedTypeDto {
  @ApiProperty({ example: 'csv', description: 'text, csv, json, pdf, image, zip, gzip, binary, empty' })
  kind!: string;
  @ApiProperty({ example: 'text/csv' })
  mime!: string;
  @ApiProperty({ example: 'content', description: 'magic (signature bytes) or content (decoded text)' })
  by!: string;
}

export class FileAnalysisDto {
  @ApiPropertyOptional()
  filename?: string;
  @ApiProperty()
  size!: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex.' })
  sha256!: string;
  @ApiProperty({ type: DetectedTypeDto })
  type!: DetectedTypeDto;
  @ApiPropertyOptional({ description: "Set when the file name's extension disagrees with the bytes." })
  name_mismatch?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Per-kind details: text, csv, json, pdf, image or zip.' })
  details!: Record<string, unknown>;
  @ApiProperty({ type: LlmStatusDto })
  llm!: LlmStatusDto;
  @ApiPropertyOptional({ description: "The LLM's summary; absent when the LLM is unavailable or skipped." })
  llm_summary?: string;
}

export class ScanResultDto {
  @ApiProperty({ example: 'project/src' })
  path!: string;
  @ApiProperty({ description: 'True when a limit stopped the scan; see limits_hit.' })
  partial!: boolean;
  @ApiProperty({ type: [String], example: ['max_files'] })
  limits_hit!: string[];
  @ApiProperty({ example: { max_depth: 5, max_files: 1000, max_bytes: 20971520 } })
  limits!: Record<string, number>;
  @ApiProperty({ example: { files: 3, directories: 1, bytes_read: 512, total_bytes: 512, by_kind: { text: 2 } } })
  summary!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'One entry per file: path, size, kind, lines (text), or skipped with a reason.',
  })
  entries!: Record<string, unknown>[];
}
