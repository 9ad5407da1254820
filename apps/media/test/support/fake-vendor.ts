import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The JSON body, when there is one. */
  json?: any;
  /** The multipart form fields (Stability's request format). */
  form?: Record<string, string>;
}

export type VendorHandler = (req: SeenRequest, res: ServerResponse) => unknown;

export interface FakeVendor {
  url: string;
  seen: SeenRequest[];
  respond(handler: VendorHandler): void;
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for an image vendor: it records every request (JSON and
 * multipart bodies parsed) and answers however the test says, including never (a hang).
 */
export async function startFakeVendor(): Promise<FakeVendor> {
  let handler: VendorHandler = (_req, res) => res.writeHead(500).end();
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      const s: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      if (type.startsWith('application/json')) s.json = JSON.parse(body.toString() || 'null');
      if (type.startsWith('multipart/form-data')) {
        const form = await new Response(body, { headers: { 'content-type': type } }).formData();
        s.form = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
      }
      seen.push(s);
      try {
        await handler(s, res);
      } catch (err) {
        res.writeHead(599).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    respond: (h) => (handler = h),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/** A small real picture in the given format, as a vendor would send it. */
export function picture(width: number, height: number, format: 'png' | 'jpeg' | 'webp' = 'png', colour = '#3366cc'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    [format]()
    .toBuffer();
}
