import { IsBoolean, IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';

// Lists are comma-separated; `none` clears one (an empty variable means "use the default").
const RUFF_SELECTORS = /^none$|^[A-Z]+[0-9]*(,[A-Z]+[0-9]*)*$/;
const ESLINT_SETS = /^none$|^(recommended|typescript|security|no-unsanitized)(,(recommended|typescript|security|no-unsanitized))*$/;
import { ServiceEnv } from './common.env';

/** The agents service: code assistant, file analyzer and task scheduler. */
export class AgentsEnv extends ServiceEnv {
  override HTTP_PORT = 8105;

  // --- code assistant ---
  /** Longest accepted source, in characters. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_CODE_CHARS: number = 100_000;

  /** A function longer than this many lines is reported (long-function). */
  @IsInt()
  @Min(1)
  CODE_MAX_FUNCTION_LINES: number = 50;

  /** Control-flow nesting deeper than this is reported (deep-nesting). */
  @IsInt()
  @Min(1)
  CODE_MAX_NESTING: number = 4;

  /** Approximate cyclomatic complexity above this is reported (high-complexity). */
  @IsInt()
  @Min(1)
  CODE_MAX_COMPLEXITY: number = 10;

  /** Parsing stops after this long (a pathological input must not hold a replica). */
  @IsInt()
  @Min(100)
  CODE_PARSE_TIMEOUT_MS: number = 5_000;

  // --- code review engines (Ruff, ESLint, secretlint, nitro checks), run in a worker pool ---
  /** Worker threads that run reviews (each loads Ruff, ESLint + TypeScript, secretlint and tree-sitter: ~260 MB RSS measured). */
  @IsInt()
  @Min(1)
  @Max(16)
  CODE_REVIEW_WORKERS: number = 2;

  /** Reviews waiting for a worker beyond this are refused with 503 BUSY. */
  @IsInt()
  @Min(0)
  @Max(10_000)
  CODE_REVIEW_MAX_QUEUE: number = 32;

  /** A review (queue wait included) is stopped after this long: its worker is terminated and replaced; 422. */
  @IsInt()
  @Min(500)
  CODE_REVIEW_TIMEOUT_MS: number = 20_000;

  /** Ruff rule selectors for Python (codes or prefixes: pycodestyle errors E4/E7/E9, pyflakes F, bugbear B, bandit S, pylint errors PLE, simplify SIM). */
  @Matches(RUFF_SELECTORS, { message: 'RUFF_SELECT must be comma-separated Ruff selectors such as E4,F,B,S' })
  RUFF_SELECT: string = 'E4,E7,E9,F,B,S,PLE,SIM';

  /** Ruff codes or prefixes to leave out of RUFF_SELECT. */
  @Matches(RUFF_SELECTORS, { message: 'RUFF_IGNORE must be comma-separated Ruff selectors such as S101,SIM108' })
  RUFF_IGNORE: string = 'none';

  /** ESLint rule sets for JavaScript: recommended (@eslint/js), security (eslint-plugin-security + no-eval/no-implied-eval/no-new-func), no-unsanitized. */
  @Matches(ESLINT_SETS, {
    message: 'ESLINT_JS_RULE_SETS must be a comma-separated list of: recommended, typescript, security, no-unsanitized',
  })
  ESLINT_JS_RULE_SETS: string = 'recommended,security,no-unsanitized';

  /** ESLint rule sets for TypeScript; typescript = typescript-eslint recommended without type information. */
  @Matches(ESLINT_SETS, {
    message: 'ESLINT_TS_RULE_SETS must be a comma-separated list of: recommended, typescript, security, no-unsanitized',
  })
  ESLINT_TS_RULE_SETS: string = 'recommended,typescript,security,no-unsanitized';

  /** ESLint rules switched off (comma-separated ids); object injection flags every obj[key] and drowns the rest. */
  @Matches(/^none$|^[@a-z0-9/_-]+(,[@a-z0-9/_-]+)*$/, { message: 'ESLINT_DISABLED_RULES must be comma-separated ESLint rule ids' })
  ESLINT_DISABLED_RULES: string = 'security/detect-object-injection';

  /** Scan every review for secrets (secretlint recommended preset; values are masked in findings). */
  @IsBoolean()
  SECRETLINT_ENABLED: boolean = true;

  /** nitro structural checks for Go (ignored-error: `_ = f()`, empty-error-check: empty `if err != nil {}`). */
  @Matches(/^none$|^(ignored-error|empty-error-check)(,(ignored-error|empty-error-check))*$/, {
    message: 'GO_CHECKS must be a comma-separated list of: ignored-error, empty-error-check',
  })
  GO_CHECKS: string = 'ignored-error,empty-error-check';

  /** nitro structural checks for Java (empty-catch: a catch block with nothing in it, not even a comment). */
  @Matches(/^(none|empty-catch)$/, { message: 'JAVA_CHECKS must be none or empty-catch' })
  JAVA_CHECKS: string = 'empty-catch';

  // --- file analyzer ---
  /** Largest file analyze_file accepts, bytes. */
  @IsInt()
  @Min(1)
  MAX_FILE_BYTES: number = 10 * 1024 * 1024;

  /** scan_directory only reads below this folder (its real path). */
  @IsString()
  @MinLength(1)
  AGENTS_WORKSPACE_ROOT: string = 'workspace';

  @IsInt()
  @Min(0)
  @Max(64)
  SCAN_MAX_DEPTH: number = 5;

  @IsInt()
  @Min(1)
  SCAN_MAX_FILES: number = 1_000;

  /** Total bytes scan_directory reads from files (for type detection and line counts). */
  @IsInt()
  @Min(1)
  SCAN_MAX_BYTES: number = 20 * 1024 * 1024;

  /** PDF pages whose text is extracted; the page count is always reported. */
  @IsInt()
  @Min(1)
  PDF_MAX_PAGES: number = 50;

  /** Worker threads that parse files for analyze_file (PDF, CSV, JSON, images, ZIP) off the event loop. */
  @IsInt()
  @Min(1)
  @Max(16)
  FILE_PARSE_WORKERS: number = 1;

  /** Parsing one file (PDF, image, ZIP, CSV, JSON) stops after this long, queue wait included (422 TIMEOUT). */
  @IsInt()
  @Min(100)
  FILE_PARSE_TIMEOUT_MS: number = 15_000;

  // --- scheduler ---
  /** Runs kept per scheduled task (newest first). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  TASK_RESULTS_KEEP: number = 50;

  /** A run's result is cut to this many characters of JSON. */
  @IsInt()
  @Min(100)
  TASK_RESULT_MAX_CHARS: number = 16_000;

  /** Runs and cancelled tasks are kept this long after their last write, seconds. */
  @IsInt()
  @Min(60)
  TASK_RESULTS_TTL_S: number = 7 * 24 * 3600;

  @IsInt()
  @Min(1)
  TASKS_MAX_PER_USER: number = 50;

  /**
   * Scheduled runs are charged to their owner's request budget, in the same Redis counters as the gateway's
   * rate limits: a prompt run spends one RATE_LIMIT_CHAT, a task run one RATE_LIMIT_AGENTS, per RATE_LIMIT_WINDOW_S.
   * A run over budget is skipped and recorded as such. Set these to the gateway's values (0 = unlimited).
   */
  @IsBoolean()
  RATE_LIMIT_ENABLED: boolean = true;

  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_S: number = 60;

  @IsInt()
  @Min(0)
  RATE_LIMIT_CHAT: number = 30;

  @IsInt()
  @Min(0)
  RATE_LIMIT_AGENTS: number = 30;

  /** Shortest allowed schedule interval, ms (cron with seconds counts too). */
  @IsInt()
  @Min(100)
  TASK_MIN_INTERVAL_MS: number = 1_000;

  /** Scheduled runs processed at once per replica. */
  @IsInt()
  @Min(1)
  @Max(64)
  SCHEDULER_CONCURRENCY: number = 2;

  // --- LLM pass (through ai-router) ---
  /** false: static results only, the answer says the LLM pass is disabled. */
  @IsBoolean()
  LLM_ENABLED: boolean = true;

  /** Whole LLM call through ai-router, ms. */
  @IsInt()
  @Min(100)
  LLM_TIMEOUT_MS: number = 20_000;

  @IsInt()
  @Min(1)
  @Max(8192)
  LLM_MAX_TOKENS: number = 512;

  /** Code or file text sent to the model is cut to this many characters (small local models have small contexts). */
  @IsInt()
  @Min(200)
  LLM_MAX_PROMPT_CHARS: number = 12_000;
}
