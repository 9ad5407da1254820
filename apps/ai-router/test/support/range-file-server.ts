import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the server saw: one entry per request. `rangeStart` is the first byte asked for (0 without Range). */
export interface SeenRequest {
  method: string;
  path: string;
  range?: string;
  rangeStart: number;
  /** Body bytes sent before the response ended or was cut. */
  bytesSent: number;
  cut: boolean;
}

/**
 * How a response misbehaves, decided per GET (n = 1 for the first one; the rule sees its Range in `req`).
 * `cutAfter`: send that many body bytes, then destroy the socket (a dropped connection).
 * `hangAfter`: send that many body bytes, then send nothing more (a stalled transfer).
 * `silent`: accept the request and never answer (an unresponsive host).
 */
export interface Fault {
  cutAfter?: number;
  hangAfter?: number;
  silent?: boolean;
}

export interface RangeFileServer {
  url(path: string): string;
  requests: SeenRequest[];
  /** Total body bytes sent, all requests together. */
  bytesSent(): number;
  /** Set or replace the fault rule: called for each body request with its 1-based number. */
  setFault(rule: ((n: number, req: SeenRequest) => Fault | undefined) | undefined): void;
  close(): Promise<void>;
}

/**
 * A plain HTTP file server speaking what a model host speaks: GET and HEAD, `Accept-Ranges: bytes`,
 * `Range: bytes=a-b` answered 206 with `Content-Range`, 404 for unknown paths. The stand-in for
 * Hugging Face in the download tests, with faults a real network has (dropped, stalled, silent).
 */
export async function startRangeFileServer(files: Record<string, Buffer>): Promise<RangeFileServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let fault: ((n: number, req: SeenRequest) => Fault | undefined) | undefined;
  let bodyRequests = 0; // GETs seen since the last setFault()
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const range = req.headers.range;
    const m = /^bytes=(\d+)-(\d*)$/.exec(range ?? '');
    const seen: SeenRequest = { method: req.method ?? 'GET', path, range, rangeStart: m ? Number(m[1]) : 0, bytesSent: 0, cut: false };
    requests.push(seen);
    const file = files[path];
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    let start = 0;
    let end = file.length - 1;
    if (m) {
      start = Number(m[1]);
      end = m[2] ? Math.min(Number(m[2]), file.length - 1) : file.length - 1;
      if (start > end || start >= file.length) {
        res.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
        return;
      }
    }
    const body = file.subarray(start, end + 1);
    const f = req.method !== 'HEAD' ? fault?.(++bodyRequests, seen) : undefined;
    if (f?.silent) return; // never answer; the socket is destroyed on close()
    const headers = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-length': String(body.length),
      ...(m ? { 'content-range': `bytes ${start}-${end}/${file.length}` } : {}),
    };
    res.writeHead(m ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const limit = f?.cutAfter ?? f?.hangAfter;
    if (limit === undefined) {
      seen.bytesSent = body.length;
      res.end(body);
      return;
    }
    const part = body.subarray(0, Math.min(limit, body.length));
    seen.bytesSent = part.length;
    res.write(part, () => {
      if (f?.cutAfter !== undefined) {
        seen.cut = true;
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    bytesSent: () => requests.reduce((n, r) => n + r.bytesSent, 0),
    setFault: (rule) => {
      fault = rule;
      bodyRequests = 0;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
