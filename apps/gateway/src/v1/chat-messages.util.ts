import { ERROR_CODE, MAX_IMAGES_PER_MESSAGE, type ChatImageDto, type CompletionMessage, type CompletionToolCall } from '@nitro/contracts';
import { imageFromPart } from './image-parts.util';
import { invalid } from './invalid.util';

export { invalid } from './invalid.util';

const ROLES: Record<string, CompletionMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
};

/**
 * OpenAI messages to ours: roles checked (`developer` is a system message), content a string or
 * text parts joined, user messages' `image_url` parts (data URLs only, at most `maxImageBytes` each and
 * MAX_IMAGES_PER_MESSAGE in the request) as `images`, assistant tool calls and tool results kept. Each refusal
 * names `messages[i].<field>`; a message longer than `maxChars` is TEXT_TOO_LONG.
 */
export function toCompletionMessages(input: unknown[], maxChars: number, maxImageBytes = 5 * 1024 * 1024): CompletionMessage[] {
  let imageCount = 0;
  return input.map((raw, i) => {
    const at = `messages[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid(at, `${at} must be an object with role and content`);
    const m = raw as Record<string, unknown>;
    const role = ROLES[String(m.role)];
    if (!role) throw invalid(`${at}.role`, `${at}.role must be one of: system, developer, user, assistant, tool`);
    // Other fields of a message are ignored, not refused: SDK users send back the assistant messages they were given,
    // which carry fields of OpenAI's response (refusal, annotations, audio). `name` (unused here) is a string in OpenAI's format.
    if (m.name !== undefined && typeof m.name !== 'string') throw invalid(`${at}.name`, `${at}.name must be a string`);
    const { text: content, images } = contentOf(m.content, `${at}.content`, role, maxImageBytes);
    if (content.length > maxChars)
      throw invalid(`${at}.content`, `${at}.content is ${content.length} characters; the limit is ${maxChars}`, ERROR_CODE.TEXT_TOO_LONG);
    imageCount += images.length;
    if (imageCount > MAX_IMAGES_PER_MESSAGE)
      throw invalid(`${at}.content`, `a request may carry at most ${MAX_IMAGES_PER_MESSAGE} images in all; ${at}.content goes over`);
    const out: CompletionMessage = { role, content, ...(images.length ? { images } : {}) };
    if (role === 'assistant' && m.tool_calls !== undefined) out.tool_calls = toolCalls(m.tool_calls, `${at}.tool_calls`);
    if (role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !m.tool_call_id)
        throw invalid(`${at}.tool_call_id`, `${at}.tool_call_id is required for a tool message`);
      out.tool_call_id = m.tool_call_id;
    }
    return out;
  });
}

/** A message's content: a string, or parts (text joined with newlines; `image_url` parts on user messages as images). */
function contentOf(
  content: unknown,
  param: string,
  role: CompletionMessage['role'],
  maxImageBytes: number,
): { text: string; images: ChatImageDto[] } {
  if (typeof content === 'string') return { text: content, images: [] };
  if ((content === null || content === undefined) && role === 'assistant') return { text: '', images: [] };
  if (!Array.isArray(content)) throw invalid(param, `${param} must be a string or an array of content parts`);
  const texts: string[] = [];
  const images: ChatImageDto[] = [];
  content.forEach((part, j) => {
    const p = part as { type?: unknown; text?: unknown; image_url?: unknown };
    if (p?.type === 'text' && typeof p.text === 'string') texts.push(p.text);
    else if (p?.type === 'image_url' && role === 'user') images.push(imageFromPart(p, `${param}[${j}]`, maxImageBytes));
    else if (p?.type === 'image_url') throw invalid(`${param}[${j}]`, `${param}[${j}]: only user messages may carry image_url parts`);
    else
      throw invalid(
        `${param}[${j}]`,
        `${param}[${j}] must be a text part ({ "type": "text", "text": "…" }) or, in a user message, an image_url part with a data: URL`,
      );
  });
  return { text: texts.join('\n'), images };
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
