import { Injectable } from '@nestjs/common';
import { AgentsEnv } from '@nitro/config';
import { CODE_LANGUAGES, CodeInputDto, CodeReportDto, ERROR_CODES, FINDING_SEVERITIES, FindingSeverity } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { collectFindings, Thresholds } from './code-findings.util';
import { detectLanguage } from './language-detect.util';
import { LANGUAGE_SPECS } from './languages';
import { TreeSitterLoader } from './tree-sitter.loader';

const MAX_PARAMS = 5;

/** Static analysis only: parse with tree-sitter, measure, report. No model involved. */
@Injectable()
export class CodeAnalyzerService {
  constructor(
    private readonly loader: TreeSitterLoader,
    private readonly env: AgentsEnv,
  ) {}

  async analyze(input: CodeInputDto): Promise<CodeReportDto> {
    const { code } = input;
    if (code.length > this.env.MAX_CODE_CHARS) {
      throw new ServiceError(413, ERROR_CODES.tooLarge, `code is ${code.length} characters; at most ${this.env.MAX_CODE_CHARS} are accepted (MAX_CODE_CHARS)`);
    }
    if (!code.trim()) throw new ServiceError(400, ERROR_CODES.validation, 'code must not be blank');
    const detected = detectLanguage(code, input.language, input.filename);
    if (!detected) throw new ServiceError(400, ERROR_CODES.validation, `language could not be detected; set language to one of: ${CODE_LANGUAGES.join(', ')}`);
    const spec = LANGUAGE_SPECS[detected.language];
    const tree = await this.loader.parse(spec.grammar, code, this.env.CODE_PARSE_TIMEOUT_MS);
    try {
      const analysis = collectFindings(tree.rootNode, spec, this.thresholds());
      const summary = Object.fromEntries(FINDING_SEVERITIES.map((s) => [s, 0])) as Record<FindingSeverity, number>;
      for (const f of analysis.findings) summary[f.severity]++;
      return { language: detected.language, language_source: detected.source, lines: code.split('\n').length, ...analysis, summary };
    } finally {
      tree.delete(); // WASM memory is not garbage-collected
    }
  }

  private thresholds(): Thresholds {
    return { maxFunctionLines: this.env.CODE_MAX_FUNCTION_LINES, maxNesting: this.env.CODE_MAX_NESTING, maxComplexity: this.env.CODE_MAX_COMPLEXITY, maxParams: MAX_PARAMS };
  }
}
