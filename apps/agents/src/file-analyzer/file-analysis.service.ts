import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AgentsEnv } from '@nitro/config';
import { AGENT_UPLOADS, AnalyzeFileInputDto, ERROR_CODES, FileAnalysisDto } from '@nitro/contracts';
import { ServiceError } from '@nitro/service-kit';
import { LlmPassService } from '../llm/llm-pass.service';
import { analyzeCsv } from './csv-analysis.util';
import { classify, Classified, nameMismatch } from './file-type.util';
import { analyzeJson } from './json-shape.util';
import { readImage } from './readers/image.reader';
import { readPdf } from './readers/pdf.reader';
import { readZip } from './readers/zip.reader';
import { analyzeText } from './text-analysis.util';
import type { ClaimCheck } from '@nitro/transport';

const SUMMARY_SYSTEM = 'You describe files for their owner. Answer in at most three sentences, plain text.';

/** analyze_file: the bytes' real type, per-kind details, then an optional LLM summary. */
@Injectable()
export class FileAnalysisService {
  constructor(
    private readonly env: AgentsEnv,
    @Inject(AGENT_UPLOADS) private readonly uploads: ClaimCheck,
    private readonly llmPass: LlmPassService,
  ) {}

  async analyzeInput(input: AnalyzeFileInputDto, userId: string): Promise<FileAnalysisDto> {
    if (!!input.upload_id === (input.content_base64 !== undefined)) {
      throw new ServiceError(400, ERROR_CODES.validation, 'data needs exactly one of upload_id (from POST /agent/file-analyze) or content_base64');
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
    if (bytes.length > this.env.MAX_FILE_BYTES) throw new ServiceError(413, ERROR_CODES.tooLarge, `file is ${bytes.length} bytes; at most ${this.env.MAX_FILE_BYTES} are accepted (MAX_FILE_BYTES)`);
    const found = await classify(bytes);
    const details = await this.details(bytes, found);
    const base = {
      ...(filename ? { filename } : {}),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      type: found.type,
      ...(nameMismatch(filename, found.type.kind) ? { name_mismatch: nameMismatch(filename, found.type.kind) } : {}),
      details,
    };
    const pass = await this.llmPass.run(this.prompt(base, found), SUMMARY_SYSTEM, userId, wantLlm);
    return { ...base, llm: pass.llm, ...(pass.text ? { llm_summary: pass.text } : {}) };
  }

  private async details(bytes: Buffer, found: Classified): Promise<Record<string, unknown>> {
    const timeout = this.env.FILE_PARSE_TIMEOUT_MS;
    switch (found.type.kind) {
      case 'pdf':
        return { pdf: await readPdf(bytes, this.env.PDF_MAX_PAGES, timeout) };
      case 'image':
        return { image: await readImage(bytes, timeout) };
      case 'zip':
        return { zip: await readZip(bytes, timeout) };
      case 'json':
        return { json: analyzeJson(found.json), text: analyzeText(found.decoded!) };
      case 'csv':
        return { csv: analyzeCsv(found.decoded!.text, found.delimiter!), text: analyzeText(found.decoded!) };
      case 'text':
        return { text: analyzeText(found.decoded!) };
      default:
        return { format: found.format ?? 'unknown', head_hex: bytes.subarray(0, 16).toString('hex') };
    }
  }

  /** Facts first (they are right), then an excerpt of the content for the model to describe. */
  private prompt(base: { filename?: string; size: number; type: { kind: string }; details: Record<string, unknown> }, found: Classified): string {
    const facts = JSON.stringify(base.details, (k, v) => (k === 'entries' || k === 'text_pages' || k === 'preview' ? undefined : v)).slice(0, 3_000);
    const pdf = (base.details.pdf as { text_pages?: { text: string }[] } | undefined)?.text_pages?.map((p) => p.text).join('\n');
    const excerpt = (pdf ?? found.decoded?.text ?? '').slice(0, 3_000);
    return `Summarise this file.\nName: ${base.filename ?? '(none)'}\nType: ${base.type.kind}, ${base.size} bytes\nFacts: ${facts}${excerpt ? `\nContent excerpt:\n${excerpt}` : ''}`;
  }
}
