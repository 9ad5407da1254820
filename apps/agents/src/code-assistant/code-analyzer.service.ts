import { Injectable } from '@nestjs/common';
import { AgentsEnv } from '@nitro/config';
import {
  CODE_LANGUAGES,
  CodeInputDto,
  CodeReportDto,
  ERROR_CODES,
  FINDING_SEVERITIES,
  FindingSeverity,
  ReviewEngineInfoDto,
  codePointLength,
  exceedsCodePoints,
  hasVisibleContent,
} from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import type { Thresholds } from './code-findings.util';
import { detectLanguage } from './language-detect.util';
import { ReviewPool } from './review/review-pool.service';
import type { RuleSets } from './review/review.types';
import { describeEngines, ruleSetsFrom } from './review/rule-sets.util';

const MAX_PARAMS = 5;

/**
 * Static analysis only, no model: checks the input on the event loop (size, blank, language),
 * then runs tree-sitter metrics, structural checks, Ruff or ESLint and secretlint in the review
 * worker pool. Errors: 413 over MAX_CODE_CHARS, 400 blank code or undetectable language, 422 past
 * the time limits, 503 when the pool is saturated.
 */
@Injectable()
export class CodeAnalyzerService {
  private readonly rules: RuleSets;

  constructor(
    private readonly pool: ReviewPool,
    private readonly env: AgentsEnv,
  ) {
    this.rules = ruleSetsFrom(env);
  }

  async analyze(input: CodeInputDto): Promise<CodeReportDto> {
    const { code } = input;
    if (exceedsCodePoints(code, this.env.MAX_CODE_CHARS)) {
      throw new ServiceError(
        413,
        ERROR_CODES.tooLarge,
        `code is ${codePointLength(code)} characters (Unicode code points); at most ${this.env.MAX_CODE_CHARS} are accepted (MAX_CODE_CHARS)`,
      );
    }
    if (!hasVisibleContent(code)) throw new ServiceError(400, ERROR_CODES.validation, 'code must contain visible text');
    const detected = detectLanguage(code, input.language, input.filename);
    if (!detected)
      throw new ServiceError(
        400,
        ERROR_CODES.validation,
        `language could not be detected; set language to one of: ${CODE_LANGUAGES.join(', ')}`,
      );
    const review = await this.pool.review({
      code,
      language: detected.language,
      filename: input.filename,
      thresholds: this.thresholds(),
      parseTimeoutMs: this.env.CODE_PARSE_TIMEOUT_MS,
      rules: this.rules,
    });
    const summary = Object.fromEntries(FINDING_SEVERITIES.map((s) => [s, 0])) as Record<FindingSeverity, number>;
    for (const f of review.findings) summary[f.severity]++;
    return {
      language: detected.language,
      language_source: detected.source,
      lines: code.split('\n').length,
      functions: review.functions,
      imports: review.imports,
      findings: review.findings,
      engines: review.engines,
      summary,
    };
  }

  /** The engines and their configured rule sets, for GET /agent/list. */
  engines(): ReviewEngineInfoDto[] {
    return describeEngines(this.rules);
  }

  private thresholds(): Thresholds {
    return {
      maxFunctionLines: this.env.CODE_MAX_FUNCTION_LINES,
      maxNesting: this.env.CODE_MAX_NESTING,
      maxComplexity: this.env.CODE_MAX_COMPLEXITY,
      maxParams: MAX_PARAMS,
    };
  }
}
