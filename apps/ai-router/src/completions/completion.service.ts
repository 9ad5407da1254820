import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { cancellable } from '../streams/cancellable';
import {
  CompletionCommand,
  DEFAULT_MODEL_ALIAS,
  ERROR_CODE,
  isRpcErrorPayload,
  type CompletionEvent,
  type ProviderName,
} from '@nitro/contracts';
import { getLogger } from '@nitro/observability';
import { ServiceError, validateDto } from '@nitro/service-kit';
import { ConversationRepository, type Delivery } from '../memory/conversation.repository';
import type { ProviderMessage, ProviderRequest } from '../providers/chat-provider.interface';
import { ProviderRegistry } from '../providers/provider-registry';
import { IncompleteStreamError, RouterService } from '../providers/router.service';
import { ModelRegistry } from '../models/model-registry.service';
import { modelId } from '../models/model-id.util';

/**
 * chat.complete: a stateless completion of a whole message list (the gateway's OpenAI-compatible
 * route). Same routing, fallback and circuit breakers as chat; no memory read. The caller leaving
 * (the transport unsubscribes) aborts generation at once: no grace period, nothing stored
 * (docs/adr/0008-openai-compatible-api.md). With `session_id` the last user message and the answer
 * are appended to that conversation once the answer is complete.
 */
@Injectable()
export class CompletionService {
  constructor(
    private readonly router: RouterService,
    private readonly models: ModelRegistry,
    private readonly providers: ProviderRegistry,
    private readonly memory: ConversationRepository,
  ) {}

  /** `delivery`: the transport request, so a redelivered one does not store its turn twice (deliveryOf). */
  complete(raw: unknown, delivery?: Delivery): Observable<CompletionEvent> {
    return cancellable<CompletionEvent>('completion cancelled by the caller', (emit, signal) =>
      this.run(raw, emit, signal, delivery).catch((err) => emit(errorEvent(err))),
    );
  }

  private async run(raw: unknown, emit: (e: CompletionEvent) => void, signal: AbortSignal, delivery?: Delivery): Promise<void> {
    const cmd = validateDto(CompletionCommand, raw);
    const target = cmd.model && cmd.model !== DEFAULT_MODEL_ALIAS ? await this.models.resolve(cmd.model) : undefined;
    const req = toProviderRequest(cmd, target?.model);
    // The field that brought tools in: `tools`, else the first message carrying a tool call or a tool result.
    const toolMessage = cmd.messages.findIndex((m) => m.role === 'tool' || m.tool_calls?.length);
    if (req.tools?.length || toolMessage >= 0) {
      const provider = target && this.providers.get(target.provider);
      if (!provider?.supportsTools) {
        const param = req.tools?.length ? 'tools' : `messages[${toolMessage}]`;
        const which = target ? `\`${cmd.model}\` (${target.provider})` : 'the default routing order';
        throw new ServiceError(
          400,
          ERROR_CODE.TOOLS_NOT_SUPPORTED,
          `Tool calls are not supported by ${which}; choose an ollama/… or gemini/… model (GET /v1/models lists those with "tools").`,
          { param },
        );
      }
    }
    if (cmd.stream === false) return this.whole(cmd, req, target?.provider, emit, signal, delivery);
    let text = '';
    let meta: { provider: ProviderName; model: string } | undefined;
    for await (const ev of this.router.stream(req, { provider: target?.provider, signal })) {
      if (ev.type === 'meta') {
        meta = { provider: ev.provider, model: ev.model };
        emit({ type: 'meta', model_id: modelId(ev.provider, ev.model), provider: ev.provider, model: ev.model, fallbacks: ev.fallbacks });
      } else if (ev.type === 'token') {
        text += ev.text;
        emit({ type: 'token', text: ev.text });
      } else {
        if (cmd.session_id) await this.remember(cmd, text, ev.provider, ev.model, delivery);
        const id = modelId(ev.provider, meta?.model ?? ev.model);
        emit({
          type: 'done',
          model_id: id,
          provider: ev.provider,
          model: ev.model,
          usage: ev.usage,
          finish_reason: ev.finishReason,
          ...(ev.toolCalls ? { tool_calls: ev.toolCalls } : {}),
        });
        return;
      }
    }
  }

  /** `stream: false`: one provider request for the whole answer, one `done` event (with `text` and `fallbacks`) for it. */
  private async whole(
    cmd: CompletionCommand,
    req: ProviderRequest,
    provider: ProviderName | undefined,
    emit: (e: CompletionEvent) => void,
    signal: AbortSignal,
    delivery?: Delivery,
  ): Promise<void> {
    const routed = await this.router.generate(req, { provider, signal });
    const { result } = routed;
    const id = modelId(routed.provider, routed.model);
    if (cmd.session_id) await this.remember(cmd, result.text, routed.provider, routed.model, delivery);
    emit({
      type: 'done',
      model_id: id,
      provider: routed.provider,
      model: routed.model,
      usage: result.usage,
      finish_reason: result.finishReason,
      ...(result.toolCalls ? { tool_calls: result.toolCalls } : {}),
      text: result.text,
      fallbacks: routed.fallbacks,
    });
  }

  /** Opt-in memory (x-nitro-session-id): the newest user message and the answer, as a chat turn. */
  private async remember(
    cmd: CompletionCommand,
    answer: string,
    provider: ProviderName,
    model: string,
    delivery?: Delivery,
  ): Promise<void> {
    const user = [...cmd.messages].reverse().find((m) => m.role === 'user');
    const now = new Date().toISOString();
    await this.memory.append(
      cmd.user_id,
      cmd.session_id as string,
      [
        ...(user ? [{ role: 'user' as const, content: user.content, timestamp: now }] : []),
        { role: 'assistant' as const, content: answer, timestamp: now, ai_model: model, ai_source: provider },
      ],
      Date.now(),
      delivery,
    );
  }
}

/** System messages become the system prompt (joined); the rest keep their order (a user message's images with it). */
export function toProviderRequest(cmd: CompletionCommand, model?: string): ProviderRequest {
  const system = cmd.messages.filter((m) => m.role === 'system').map((m) => m.content);
  const messages = cmd.messages
    .filter((m) => m.role !== 'system')
    .map((m): ProviderMessage => ({
      role: m.role as ProviderMessage['role'],
      content: m.content,
      ...(m.tool_calls?.length ? { toolCalls: m.tool_calls } : {}),
      ...(m.tool_call_id ? { toolCallId: m.tool_call_id } : {}),
      ...(m.images?.length ? { images: m.images.map(({ mime, data }) => ({ mime, data })) } : {}),
    }));
  if (!messages.length)
    throw new ServiceError(400, ERROR_CODE.VALIDATION_FAILED, 'messages must contain at least one user message', { param: 'messages' });
  return {
    ...(system.length ? { system: system.join('\n\n') } : {}),
    messages,
    ...(model ? { model } : {}),
    ...(cmd.temperature !== undefined ? { temperature: cmd.temperature } : {}),
    ...(cmd.top_p !== undefined ? { topP: cmd.top_p } : {}),
    ...(cmd.max_tokens !== undefined ? { maxTokens: cmd.max_tokens } : {}),
    ...(cmd.stop?.length ? { stop: cmd.stop } : {}),
    ...(cmd.tools?.length ? { tools: cmd.tools } : {}),
    ...(cmd.tools?.length && cmd.tool_choice ? { toolChoice: cmd.tool_choice } : {}),
  };
}

function errorEvent(err: unknown): CompletionEvent {
  if (err instanceof IncompleteStreamError) return { type: 'error', status: 502, code: ERROR_CODE.PROVIDER_FAILED, message: err.message };
  if (err instanceof ServiceError) {
    const param = typeof err.details?.param === 'string' ? err.details.param : undefined;
    return { type: 'error', status: err.status, code: err.code, message: err.message, ...(param ? { param } : {}) };
  }
  if (isRpcErrorPayload(err)) return { type: 'error', status: err.status, code: err.code, message: err.message };
  if ((err as { kind?: string })?.kind === 'aborted')
    return { type: 'error', status: 499, code: ERROR_CODE.CANCELLED, message: 'cancelled: the caller went away' };
  getLogger().error({ err }, 'completion failed');
  return { type: 'error', status: 500, code: ERROR_CODE.INTERNAL, message: 'internal error in ai-router' };
}
