import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Who found a code-review finding: Ruff (Python), ESLint (JavaScript/TypeScript), secretlint
 * (secrets, any language) or nitro (our tree-sitter metrics and structural checks).
 */
export const FINDING_ENGINES = ['ruff', 'eslint', 'secretlint', 'nitro'] as const;
export type FindingEngine = (typeof FINDING_ENGINES)[number];

/** One text edit of a fix: replace [line:column, end_line:end_column) (1-based, UTF-16 columns) with `text`. */
export class FixEditDto {
  @ApiProperty({ example: 4 })
  line!: number;
  @ApiProperty({ example: 22, description: '1-based, in UTF-16 code units (JavaScript string indices).' })
  column!: number;
  @ApiProperty({ example: 4 })
  end_line!: number;
  @ApiProperty({ example: 24 })
  end_column!: number;
  @ApiProperty({ example: 'None', description: 'Replacement text; empty to delete.' })
  text!: string;
}

/** A fix the engine offers (Ruff fixes, ESLint fixes and suggestions). Applying it is up to the caller. */
export class FindingFixDto {
  @ApiProperty({ example: 'Replace with `None`; initialize within function' })
  description!: string;
  @ApiProperty({ type: [FixEditDto] })
  edits!: FixEditDto[];
}

/** How one engine ran for one review: the rule set it used and, when it could not run, why. */
export class EngineRunDto {
  @ApiProperty({ enum: FINDING_ENGINES })
  engine!: FindingEngine;
  @ApiProperty({ description: 'False when the engine does not apply to the language, is disabled, or failed (see reason).' })
  ran!: boolean;
  @ApiProperty({ example: 3 })
  findings!: number;
  @ApiPropertyOptional({ example: 'skipped: secretlint is disabled (SECRETLINT_ENABLED=false)' })
  reason?: string;
}

/** An engine as GET /agent/list describes it: version, languages and the configured rule sets. */
export class ReviewEngineInfoDto {
  @ApiProperty({ enum: FINDING_ENGINES })
  engine!: FindingEngine;
  @ApiProperty({ example: '0.17.3', description: 'Version of the engine package.' })
  version!: string;
  @ApiProperty({ type: [String], example: ['python'] })
  languages!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    example: { python: ['E4', 'E7', 'E9', 'F', 'B', 'S', 'PLE', 'SIM'] },
    description: 'Rule sets (selectors, presets or checks) per language, from the agents config.',
  })
  rule_sets!: Record<string, string[]>;
  @ApiPropertyOptional({ type: [String], description: 'Rules switched off by config.' })
  disabled_rules?: string[];
  @ApiProperty({ example: 'https://docs.astral.sh/ruff/rules/' })
  docs_url!: string;
}
