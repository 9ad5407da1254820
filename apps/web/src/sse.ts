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

/** Parses the stream block by block; comment lines (keep-alives) and unknown fields are skipped. */
async function readSseResponse(res: Response, onEvent: Handler): Promise<void> {
  if (!res.ok || !res.body) throw await errorFrom(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      let event = 'message';
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
        else if (line.startsWith('id:')) id = line.slice(3).trim();
      }
      if (data.length) onEvent({ event, data: JSON.parse(data.join('\n')), id });
    }
  }
}
