import type { DetectedTypeDto } from '@nitro/contracts';

/** One file for a parse worker: its bytes (transferred, not copied) and the parsers' limits. */
export interface ParseTask {
  bytes: Uint8Array;
  pdfMaxPages: number;
  timeoutMs: number;
}

/** What the worker found: the real type, per-kind details, and a text excerpt for the LLM summary. */
export interface ParseResult {
  type: DetectedTypeDto;
  format?: string;
  details: Record<string, unknown>;
  excerpt: string;
}

export type ParseOutcome = { ok: true; result: ParseResult } | { ok: false; status: number; code: string; message: string };
