import { Diagnostic, PositionEncoding, Workspace } from '@astral-sh/ruff-wasm-nodejs';
import type { FindingDto, FixEditDto } from '@nitro/contracts';
import { ruffRuleUrl, ruffSeverity } from './ruff-rules.constants';

/** One Ruff workspace per rule selection (building one parses the settings: ~0.1 s). */
const workspaces = new Map<string, Workspace>();

/** The Ruff version inside the WASM build (e.g. "0.17.3"). */
export function ruffVersion(): string {
  return Workspace.version();
}

function workspace(select: string[], ignore: string[]): Workspace {
  const key = `${select.join(',')}|${ignore.join(',')}`;
  let ws = workspaces.get(key);
  if (!ws) {
    // Throws "Unknown rule selector `X`" for a bad selector: the pool's start-up check names RUFF_SELECT.
    ws = new Workspace({ lint: { select, ignore } }, PositionEncoding.Utf16);
    workspaces.set(key, ws);
  }
  return ws;
}

function edits(fix: NonNullable<Diagnostic['fix']>): FixEditDto[] {
  return fix.edits.map((e) => ({
    line: e.location.row,
    column: e.location.column,
    end_line: e.end_location.row,
    end_column: e.end_location.column,
    text: e.content ?? '',
  }));
}

/**
 * Lints Python with Ruff in this thread (call it from a worker). Rows and columns from Ruff are
 * 1-based; columns are UTF-16 units (PositionEncoding.Utf16), like JavaScript string indices.
 * Syntax errors come back as rule `invalid-syntax`.
 */
export function runRuff(code: string, select: string[], ignore: string[]): FindingDto[] {
  const diagnostics = workspace(select, ignore).check(code) as Diagnostic[];
  return diagnostics.map((d) => {
    const rule = d.code ?? 'invalid-syntax';
    const help = d.fix?.message ?? d.subDiagnostics.find((s) => s.severity === 'help')?.message ?? null;
    const finding: FindingDto = {
      engine: 'ruff',
      rule,
      rule_url: ruffRuleUrl(rule),
      line: d.start_location.row,
      column: d.start_location.column,
      severity: ruffSeverity(rule),
      message: d.message,
      suggestion: help ?? `See ${ruffRuleUrl(rule)} for why and how to fix it.`,
    };
    if (d.fix?.edits.length) finding.fix = { description: d.fix.message ?? help ?? 'Apply the Ruff fix', edits: edits(d.fix) };
    return finding;
  });
}
