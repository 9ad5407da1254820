import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AgentsEnv } from '@nitro/config';
import { AGENT_UPLOADS, AnalyzeFileInputDto, ERROR_CODES, FileAnalysisDto } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { LlmPassService } from '../llm/llm-pass.service';
import { nameMismatch } from './file-type.util';
import { FileParsePool } from './parse/file-parse-pool.service';
import type { ClaimCheck } from '@nitro/transport';

const SUMMARY_SYSTEM = 'You describe files for their owner. Answer in at most three sentences, plain text.';

/** analyze_file: the bytes' real type, per-kind details, then an optional LLM summary. */
@Injectable()
export class FileAnalysisService {
  constructor(
    private readonly env: AgentsEnv,
    @Inject(AGENT_UPLOADS) private readonly uploads: ClaimCheck,
    private readonly llmPass: LlmPassService,
    private readonly parser: FileParsePool,
  ) {}

  async analyzeInput(input: AnalyzeFileInputDto, userId: string): Promise<FileAnalysisDto> {
    if (!!input.upload_id === (input.content_base64 !== undefined)) {
      throw new ServiceError(
        400,
        ERROR_CODES.validation,
        'data needs exactly one of upload_id (from POST /agent/file-analyze) or content_base64',
      );
    }
    const bytes = input.upload_id ? await this.takeUpload(userId, input.upload_id) : Buffer.from(input.content_base64!, 'base64');
    return this.analyze(bytes, input.filename, userId, input.llm !== false);
  }

  /** The gateway's upload, taken once (a claim check scoped to the owner: another user's id finds nothing). */
  private async takeUpload(userId: string, uploadId: string): Promise<Buffer> {
    const bytes = await this.uploads.take(uploadId, userId);
    if (!bytes) throw new ServiceError(404, ERROR_CODES.notFound, 'upload_id is unknown or has expired; upload the file again');
    return bytes;
  }

  async analyze(bytes: Buffer, filename: string | undefined, userId: string, wantLlm: boolean): Promise<FileAnalysisDto> {
    if (!bytes.length) throw new ServiceError(400, ERROR_CODES.validation, 'file is empty: there is nothing to analyse');
    if (bytes.length > this.env.MAX_FILE_BYTES)
      throw new ServiceError(
        413,
        ERROR_CODES.tooLarge,
        `file is ${bytes.length} bytes; at most ${this.env.MAX_FILE_BYTES} are accepted (MAX_FILE_BYTES)`,
      );
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Classifying and parsing run in a worker thread (FileParsePool): the event loop stays free for heartbeats.
    const found = await this.parser.parse(bytes);
    const base = {
      ...(filename ? { filename } : {}),
      size: bytes.length,
      sha256,
      type: found.type,
      ...(nameMismatch(filename, found.type.kind) ? { name_mismatch: nameMismatch(filename, found.type.kind) } : {}),
      details: found.details,
    };
    const pass = await this.llmPass.run(this.prompt(base, found.excerpt), SUMMARY_SYSTEM, userId, wantLlm);
    return { ...base, llm: pass.llm, ...(pass.text ? { llm_summary: pass.text } : {}) };
  }

  /** Facts first (they are right), then an excerpt of the content for the model to describe. */
  private prompt(
    base: { filename?: string; size: number; type: { kind: string }; details: Record<string, unknown> },
    excerpt: string,
  ): string {
    const facts = JSON.stringify(base.details, (k, v) => (k === 'entries' || k === 'text_pages' || k === 'preview' ? undefined : v)).slice(
      0,
      3_000,
    );
    return `Summarise this file.\nName: ${base.filename ?? '(none)'}\nType: ${base.type.kind}, ${base.size} bytes\nFacts: ${facts}${excerpt ? `\nContent excerpt:\n${excerpt}` : ''}`;
  }
}
