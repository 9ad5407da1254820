import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { api, errorFrom } from './api';

export interface SseEvent {
  event: string;
  data: any;
  /** The event's `id:` line (tracked chat streams: the Last-Event-ID to resume after). */
  id?: string;
}

type Handler = (e: SseEvent) => void;

/**
 * POST + Server-Sent Events (EventSource cannot POST or send a bearer token). Aborting the signal
 * closes the connection, which cancels the work on the server.
 */
export async function postSse(path: string, body: unknown, onEvent: Handler, signal?: AbortSignal): Promise<void> {
  await sseRequest(path, { method: 'POST', json: body, signal }, onEvent);
}

/** Multipart POST (an audio or file upload) answered with Server-Sent Events. */
export async function postFormSse(path: string, form: FormData, onEvent: Handler, signal?: AbortSignal): Promise<void> {
  await sseRequest(path, { method: 'POST', body: form, signal }, onEvent);
}

/** GET + Server-Sent Events; `headers` e.g. { 'last-event-id': '12' } to resume after event 12. */
export async function getSse(path: string, onEvent: Handler, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<void> {
  await sseRequest(path, { signal, headers }, onEvent);
}

async function sseRequest(path: string, init: RequestInit & { json?: unknown }, onEvent: Handler): Promise<void> {
  const res = await api(path, { ...init, headers: { accept: 'text/event-stream', ...((init.headers as Record<string, string>) ?? {}) } });
  await readSseResponse(res, onEvent);
}

/**
 * Reads the stream with eventsource-parser (the WHATWG field rules: CRLF/CR line ends, a BOM,
 * one optional space after the colon, multi-line data); comments (keep-alives) and unknown
 * fields are skipped. Each event keeps its own `id:` (the chat tab resumes with Last-Event-ID).
 */
async function readSseResponse(res: Response, onEvent: Handler): Promise<void> {
  if (!res.ok || !res.body) throw await errorFrom(res);
  const parser = createParser({
    onEvent: (m: EventSourceMessage) => onEvent({ event: m.event ?? 'message', data: JSON.parse(m.data), id: m.id }),
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
}
