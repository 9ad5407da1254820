import { Injectable } from '@nestjs/common';
import { firstValueFrom, takeUntil, fromEvent } from 'rxjs';
import { MAX_EMBEDDING_INPUTS, type EmbeddingsRequestDto } from '@nitro/contracts';
import { AiRouterClient } from '@nitro/transport';
import { GatewayEnv } from '@nitro/config';
import type { AuthUser } from '../auth/auth-user';
import { invalid } from './chat-messages.util';
import { clientClosed } from '../common/request-params.decorators';

/** POST /v1/embeddings at the edge: input checked, vectors from ai-router, float or base64 (float32 LE) out. */
@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly aiRouter: AiRouterClient,
    private readonly env: GatewayEnv,
  ) {}

  async create(user: AuthUser, dto: EmbeddingsRequestDto, signal: AbortSignal) {
    const input = this.inputs(dto.input);
    const aborted = fromEvent(signal, 'abort');
    const result = await firstValueFrom(this.aiRouter.embed({ user_id: user.id, model: dto.model, input }).pipe(takeUntil(aborted)), {
      defaultValue: undefined,
    });
    if (!result) throw clientClosed();
    const size = result.vectors[0]?.length ?? 0;
    if (dto.dimensions !== undefined && dto.dimensions !== size)
      throw invalid('dimensions', `dimensions must be ${size} for ${result.model_id} (truncation is not supported)`);
    return {
      object: 'list' as const,
      data: result.vectors.map((v, index) => ({
        object: 'embedding' as const,
        index,
        embedding: dto.encoding_format === 'base64' ? base64(v) : v,
      })),
      model: result.model_id,
      usage: { prompt_tokens: result.prompt_tokens, total_tokens: result.prompt_tokens },
    };
  }

  private inputs(input: unknown): string[] {
    const list = typeof input === 'string' ? [input] : input;
    if (!Array.isArray(list) || !list.length || !list.every((s) => typeof s === 'string'))
      throw invalid('input', 'input must be a non-empty string or an array of strings (token arrays are not supported)');
    if (list.length > MAX_EMBEDDING_INPUTS) throw invalid('input', `input has ${list.length} items; the limit is ${MAX_EMBEDDING_INPUTS}`);
    list.forEach((s: string, i) => {
      if (!s) throw invalid(`input[${i}]`, `input[${i}] must not be empty`);
      if (s.length > this.env.CHAT_MAX_MESSAGE_CHARS)
        throw invalid(
          `input[${i}]`,
          `input[${i}] is ${s.length} characters; the limit is ${this.env.CHAT_MAX_MESSAGE_CHARS}`,
          'TEXT_TOO_LONG',
        );
    });
    return list as string[];
  }
}

/** OpenAI's base64 encoding: the vector's float32 values, little-endian. */
function base64(vector: number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}
