import { BadRequestException } from '@nestjs/common';
import { ERROR_CODE, type CompletionMessage, type CompletionToolCall } from '@nitro/contracts';

/** A 400 in our shape that the /v1 error hook turns into OpenAI's, naming `param`. */
export function invalid(param: string, message: string, code: string = ERROR_CODE.VALIDATION_FAILED): BadRequestException {
  return new BadRequestException({ error: code, message, details: { param } });
}

const ROLES: Record<string, CompletionMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

/**
 * OpenAI messages to ours: roles checked (`developer` is a system message), content a string or
 * text parts joined, assistant tool calls and tool results kept. Each refusal names
 * `messages[i].<field>`; a message longer than `maxChars` is TEXT_TOO_LONG.
 */
export function toCompletionMessages(input: unknown[], maxChars: number): CompletionMessage[] {
  return input.map((raw, i) => {
    const at = `messages[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(at, `${at} must be an object with role and content`);
    const m = raw as Record<string, unknown>;
    const role = ROLES[String(m.role)];
    if (!role) throw invalid(`${at}.role`, `${at}.role must be one of: system, developer, user, assistant, tool`);
    const content = textOf(m.content, `${at}.content`, role === 'assistant');
    if (content.length > maxChars)
      throw invalid(`${at}.content`, `${at}.content is ${content.length} characters; the limit is ${maxChars}`, ERROR_CODE.TEXT_TOO_LONG);
    const out: CompletionMessage = { role, content };
    if (role === 'assistant' && m.tool_calls !== undefined) out.tool_calls = toolCalls(m.tool_calls, `${at}.tool_calls`);
    if (role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !m.tool_call_id)
        throw invalid(`${at}.tool_call_id`, `${at}.tool_call_id is required for a tool message`);
      out.tool_call_id = m.tool_call_id;
    }
    return out;
  });
}

function textOf(content: unknown, param: string, nullable: boolean): string {
  if (typeof content === 'string') return content;
  if ((content === null || content === undefined) && nullable) return '';
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = part as { type?: unknown; text?: unknown };
        if (p?.type === 'text' && typeof p.text === 'string') return p.text;
        throw invalid(
          `${param}[${j}]`,
          `${param}[${j}] must be a text part ({ "type": "text", "text": "…" }); other part types are not supported`,
        );
      })
      .join('\n');
  }
  throw invalid(param, `${param} must be a string or an array of text parts`);
}

function toolCalls(value: unknown, param: string): CompletionToolCall[] {
  if (!Array.isArray(value)) throw invalid(param, `${param} must be an array`);
  return value.map((c, j) => {
    const call = c as {
      id?: unknown;
      function?: { name?: unknown; arguments?: unknown };
      extra_content?: { google?: { thought_signature?: unknown } };
    };
    if (typeof call?.id !== 'string' || typeof call.function?.name !== 'string')
      throw invalid(`${param}[${j}]`, `${param}[${j}] must have an id and function.name`);
    const args = call.function.arguments;
    // Gemini's thought signature, as we (and Google's OpenAI-compatible API) hand it out: back to Gemini with the call.
    const signature = call.extra_content?.google?.thought_signature;
    return {
      id: call.id,
      name: call.function.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
      ...(typeof signature === 'string' && signature ? { signature } : {}),
    };
  });
}

/** `stop`: a string or up to 4 strings. */
export function toStop(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string')) return stop as string[];
  throw invalid('stop', 'stop must be a string or an array of at most 4 strings');
}
