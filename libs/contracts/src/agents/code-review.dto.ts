import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN } from '../common/ids';
import { HasVisibleText, MaxChars } from '../common/text.validators';
import { EngineRunDto, FINDING_ENGINES, FindingEngine, FindingFixDto } from './lint.dto';

export const CODE_LANGUAGES = ['python', 'javascript', 'typescript', 'go', 'java'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];
/** Hard ceiling on the wire; the agents service enforces its configured MAX_CODE_CHARS below it. */
export const CODE_HARD_MAX_CHARS = 1_000_000;

/** `data` of analyze_code, review_code and suggest_refactoring. */
export class CodeInputDto {
  @ApiProperty({
    minLength: 1,
    example: "def hello():\n    print('hi')\n",
    description: 'Source code; at most MAX_CODE_CHARS characters (agents config).',
  })
  @IsString()
  @MinLength(1, { message: 'code must not be empty' })
  @MaxChars(CODE_HARD_MAX_CHARS)
  @HasVisibleText()
  code!: string;

  @ApiPropertyOptional({ enum: CODE_LANGUAGES, description: 'Guessed from filename and content when omitted.' })
  @IsOptional()
  @IsIn(CODE_LANGUAGES as unknown as string[], { message: `language must be one of: ${CODE_LANGUAGES.join(', ')}` })
  language?: CodeLanguage;

  @ApiPropertyOptional({ maxLength: 255, example: 'hello.py', description: 'Only used to guess the language.' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  filename?: string;

  @ApiPropertyOptional({ default: true, description: 'false skips the LLM pass (static findings only).' })
  @IsOptional()
  @IsBoolean()
  llm?: boolean;
}

/** POST /agent/code-review. */
export class CodeReviewDto extends CodeInputDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: 'alice' })
  @IsString()
  @Matches(ID_PATTERN, { message: `user_id ${ID_MESSAGE}` })
  user_id!: string;
}

export const FINDING_SEVERITIES = ['info', 'warning', 'error'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** One finding of a code review, whichever engine reported it. */
export class FindingDto {
  @ApiProperty({ enum: FINDING_ENGINES, description: 'Who found it: ruff, eslint, secretlint or nitro (tree-sitter metrics and checks).' })
  engine!: FindingEngine;
  @ApiProperty({
    example: 'B006',
    description:
      "The engine's rule id: a Ruff code (B006), an ESLint rule (no-eval, security/detect-child-process), a secretlint rule, or nitro: long-function, deep-nesting, " +
      'high-complexity, too-many-params, missing-docstring, unused-import, debug-print, todo-comment, syntax-error, ignored-error, empty-error-check, empty-catch',
  })
  rule!: string;
  @ApiPropertyOptional({
    example: 'https://docs.astral.sh/ruff/rules/mutable-argument-default/',
    description: "The rule's documentation, when it has a page.",
  })
  rule_url?: string;
  @ApiProperty({ example: 3, description: '1-based line.' })
  line!: number;
  @ApiPropertyOptional({ example: 5, description: '1-based column in UTF-16 code units, when the engine reports one.' })
  column?: number;
  @ApiProperty({ enum: FINDING_SEVERITIES })
  severity!: FindingSeverity;
  @ApiProperty({ example: 'print() call left in the code' })
  message!: string;
  @ApiProperty({ example: 'Use the logging module or remove it.' })
  suggestion!: string;
  @ApiPropertyOptional({ description: 'The function the finding is about, when there is one.' })
  symbol?: string;
  @ApiPropertyOptional({ type: FindingFixDto, description: 'A fix the engine offers (Ruff, ESLint), as text edits.' })
  fix?: FindingFixDto;
}

export class FunctionInfoDto {
  @ApiProperty({ example: 'hello' })
  name!: string;
  @ApiProperty({ example: 1 })
  start_line!: number;
  @ApiProperty({ example: 2 })
  end_line!: number;
  @ApiProperty({ example: 2 })
  lines!: number;
  @ApiProperty({ example: 0 })
  params!: number;
  @ApiProperty({ example: 1, description: 'Deepest nesting of control-flow blocks inside the function.' })
  nesting_depth!: number;
  @ApiProperty({ example: 1, description: 'Approximate cyclomatic complexity: 1 + decision points.' })
  complexity!: number;
  @ApiProperty({ description: 'Has a docstring / doc comment.' })
  documented!: boolean;
}

export class LlmStatusDto {
  @ApiProperty()
  available!: boolean;
  @ApiPropertyOptional({ description: 'Why the LLM pass did not run or failed.' })
  reason?: string;
  @ApiPropertyOptional()
  ai_model?: string;
  @ApiPropertyOptional()
  ai_source?: string;
}

export class LlmReviewDto {
  @ApiProperty({ description: 'The model answer, as written. Not checked against the code: the static findings are.' })
  text!: string;
  @ApiProperty({ type: [String], description: 'The answer split into its bullet points.' })
  comments!: string[];
}

export class CodeReportDto {
  @ApiProperty({ enum: CODE_LANGUAGES })
  language!: CodeLanguage;
  @ApiProperty({ description: 'How the language was chosen: given, filename or content.' })
  language_source!: string;
  @ApiProperty()
  lines!: number;
  @ApiProperty({ type: [FunctionInfoDto] })
  functions!: FunctionInfoDto[];
  @ApiProperty({ type: [String] })
  imports!: string[];
  @ApiProperty({
    type: [FindingDto],
    description: 'Static findings of every engine (Ruff, ESLint, secretlint, nitro), sorted by line and column.',
  })
  findings!: FindingDto[];
  @ApiProperty({ type: [EngineRunDto], description: 'Which engines ran on this code, and why the others did not.' })
  engines!: EngineRunDto[];
  @ApiProperty({ example: { error: 0, warning: 2, info: 1 } })
  summary!: Record<FindingSeverity, number>;
  @ApiPropertyOptional({ type: LlmStatusDto, description: 'Present for review_code and suggest_refactoring.' })
  llm?: LlmStatusDto;
  @ApiPropertyOptional({
    type: LlmReviewDto,
    description: "The LLM's comments, kept apart from the static findings; absent when the LLM is unavailable.",
  })
  llm_review?: LlmReviewDto;
}
