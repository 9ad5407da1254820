import { api, errorFrom } from './api';

export interface SseEvent {
  event: string;
  data: any;
}

/**
 * POST + Server-Sent Events (EventSource cannot POST or send a bearer token). Aborting the signal
 * closes the connection, which cancels the work on the server.
 */
export async function postSse(path: string, body: unknown, onEvent: (e: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const res = await api(path, { method: 'POST', json: body, signal, headers: { accept: 'text/event-stream' } });
  await readSseResponse(res, onEvent);
}

export async function getSse(path: string, onEvent: (e: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const res = await api(path, { signal, headers: { accept: 'text/event-stream' } });
  await readSseResponse(res, onEvent);
}

async function readSseResponse(res: Response, onEvent: (e: SseEvent) => void): Promise<void> {
  if (!res.ok || !res.body) throw await errorFrom(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let idx: number;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) onEvent({ event, data: JSON.parse(data.join('\n')) });
    }
  }
}
