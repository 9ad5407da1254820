import type { CodeLanguage, EngineRunDto, FindingDto, FunctionInfoDto } from '@nitro/contracts';
import type { Thresholds } from '../code-findings.util';

/**
 * What crosses the worker boundary (structured clone: plain data only). The worker side imports
 * nothing from @nitro/* at run time, so it loads only the engines, not Nest.
 */

/** The configured rule sets, parsed from AgentsEnv (see rule-sets.util.ts). */
export interface RuleSets {
  ruffSelect: string[];
  ruffIgnore: string[];
  eslintJs: string[];
  eslintTs: string[];
  eslintDisabled: string[];
  secretlint: boolean;
  goChecks: string[];
  javaChecks: string[];
}

/** One review: the code, its (already detected) language, thresholds, parse limit and rule sets. */
export interface ReviewTask {
  code: string;
  language: CodeLanguage;
  /** Only its extension matters (.jsx/.tsx turn on JSX for ESLint). */
  filename?: string;
  thresholds: Thresholds;
  parseTimeoutMs: number;
  rules: RuleSets;
}

export interface ReviewResult {
  ok: true;
  functions: FunctionInfoDto[];
  imports: string[];
  findings: FindingDto[];
  engines: EngineRunDto[];
}

/** A failure the caller caused (e.g. a parse that ran out of time): the main thread turns it into a ServiceError. */
export interface ReviewFailure {
  ok: false;
  status: number;
  code: string;
  message: string;
}

export type ReviewOutcome = ReviewResult | ReviewFailure;
