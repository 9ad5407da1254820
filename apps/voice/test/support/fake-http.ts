import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Handler = (req: SeenRequest, res: ServerResponse) => void;

export interface FakeServer {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Requests whose connection closed before we answered (the client gave up). */
  abandoned: number;
  respond(handler: Handler): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for a vendor API: it records every request and answers with
 * whatever the test sets, including never answering (a hang).
 */
export async function startFakeServer(): Promise<FakeServer> {
  let handler: Handler = (_req, res) => res.writeHead(500).end();
  const fake = { seen: [] as SeenRequest[], abandoned: 0 } as FakeServer;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      fake.seen.push(seen);
      res.on('close', () => {
        if (!res.writableFinished) fake.abandoned++;
      });
      handler(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(fake, {
    port,
    url: `http://127.0.0.1:${port}`,
    respond: (h: Handler) => (handler = h),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** Google's REST error body (google.rpc.Status as JSON). */
export const googleError = (res: ServerResponse, code: number, status: string, message: string) =>
  json(res, code, { error: { code, message, status } });
