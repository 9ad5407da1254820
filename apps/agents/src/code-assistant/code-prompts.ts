import type { CodeReportDto } from '@nitro/contracts';

export const REVIEW_SYSTEM =
  'You are a senior code reviewer. Answer with short bullet points, one per issue, most important first. Do not repeat the automatic findings.';
export const REFACTOR_SYSTEM =
  'You are a senior engineer. Propose concrete refactorings as short bullet points, each naming the function it applies to.';

function staticSummary(report: CodeReportDto): string {
  const lines = report.findings.slice(0, 20).map((f) => `- line ${f.line}: [${f.rule}] ${f.message}`);
  return lines.length ? lines.join('\n') : '- none';
}

export function reviewPrompt(code: string, report: CodeReportDto): string {
  return `Review this ${report.language} code.\nAutomatic findings already reported:\n${staticSummary(report)}\n\nCode:\n${code}`;
}

export function refactorPrompt(code: string, report: CodeReportDto): string {
  const worst = [...report.functions].sort((a, b) => b.complexity - a.complexity || b.lines - a.lines).slice(0, 5);
  const fns =
    worst
      .map((f) => `- ${f.name} (lines ${f.start_line}-${f.end_line}, complexity ${f.complexity}, nesting ${f.nesting_depth})`)
      .join('\n') || '- none';
  return `Suggest refactorings for this ${report.language} code.\nFunctions by complexity:\n${fns}\nAutomatic findings:\n${staticSummary(report)}\n\nCode:\n${code}`;
}

/** Bullet points of a model answer; the whole answer as one comment when it has none. */
export function splitComments(text: string): string[] {
  const bullets = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^([-*•]|\d+[.)])\s+/.test(l))
    .map((l) => l.replace(/^([-*•]|\d+[.)])\s+/, ''));
  return bullets.length ? bullets : [text.trim()];
}
