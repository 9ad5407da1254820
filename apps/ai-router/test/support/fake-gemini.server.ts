import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { closeServer, slowly } from './fake-ollama.server';

export type GeminiMode = 'ok' | 'rate_limited' | 'slow' | 'break' | 'no_finish';

export interface FakeGemini {
  url: string;
  mode: GeminiMode;
  requests: { path: string; apiKey?: string; body: any }[];
  words: string[];
  /** The arguments of the function call answered when the request declares functions. */
  callArgs: Record<string, unknown>;
  /** What GET /v1beta/models/{model} (models.get) reports. */
  limits: { inputTokenLimit: number; outputTokenLimit: number };
  /** Models read with models.get, in order, with the API key each request carried. */
  gets: { model: string; apiKey?: string }[];
  close(): Promise<void>;
}

/**
 * A stand-in for the Gemini REST API: POST /v1beta/models/{model}:generateContent answers one
 * GenerateContentResponse (candidates[0].content.parts[].text, finishReason, usageMetadata);
 * :streamGenerateContent?alt=sse answers Server-Sent Events, one `data: {...}` response per chunk,
 * the last one carrying finishReason and usageMetadata. Errors use Google's error JSON.
 *
 * Function calling as documented (ai.google.dev/gemini-api/docs/function-calling): a request with
 * `tools: [{ functionDeclarations }]` whose last turn is not a function result is answered with one
 * `functionCall` part (`{ name, args }`, args an object, with a `thoughtSignature` beside it as thinking
 * models send; the function named by
 * `toolConfig.functionCallingConfig.allowedFunctionNames` or else the first declared), finishReason
 * STOP; mode NONE answers text. A last turn with `functionResponse` parts is answered with text that
 * quotes them ("name: {response JSON}"), so a round trip shows the result reached the model.
 *
 * A last turn with inline image parts is answered "Saw <mime> <n> bytes" (ai.google.dev/gemini-api/docs/image-understanding).
 *
 * GET /v1beta/models/{model} (models.get) answers the Model resource: `name` ("models/…"), `version`,
 * `displayName`, `inputTokenLimit`, `outputTokenLimit`, `supportedGenerationMethods`.
 */
export async function startFakeGemini(words = ['Hi', ' from', ' fake', ' Gemini', '.']): Promise<FakeGemini> {
  const state: Omit<FakeGemini, 'url' | 'close'> = {
    mode: 'ok',
    requests: [],
    words,
    callArgs: { city: 'Paris', unit: 'celsius' },
    limits: { inputTokenLimit: 1_048_576, outputTokenLimit: 8_192 },
    gets: [],
  };
  const server = createServer((req, res) => void handle(req, res, state));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) });
}

async function handle(req: IncomingMessage, res: ServerResponse, state: Omit<FakeGemini, 'url' | 'close'>) {
  let raw = '';
  for await (const c of req) raw += c;
  const get = /^\/v1beta\/models\/([\w.-]+)$/.exec(req.url ?? '');
  if (req.method === 'GET' && get) {
    state.gets.push({ model: get[1], apiKey: req.headers['x-goog-api-key'] as string | undefined });
    const model = { name: `models/${get[1]}`, version: '001', displayName: get[1], ...state.limits };
    return void res
      .writeHead(200, { 'content-type': 'application/json; charset=UTF-8' })
      .end(JSON.stringify({ ...model, supportedGenerationMethods: ['generateContent', 'countTokens'] }));
  }
  const m = /^\/v1beta\/models\/([\w.-]+):(generateContent|streamGenerateContent)(\?alt=sse)?$/.exec(req.url ?? '');
  if (req.method !== 'POST' || !m) return error(res, 404, 'NOT_FOUND', `Method not found: ${req.url}`);
  const body = JSON.parse(raw || '{}');
  state.requests.push({ path: req.url as string, apiKey: req.headers['x-goog-api-key'] as string | undefined, body });
  const usageMetadata = { promptTokenCount: 9, candidatesTokenCount: state.words.length, totalTokenCount: 9 + state.words.length };
  const chunk = (text: string, last = false, parts: unknown[] = [{ text }]) => ({
    candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    ...(last ? { usageMetadata } : {}),
    modelVersion: m[1],
  });
  const call = functionCallFor(body, state.callArgs);
  const results = functionResults(body);
  if (state.mode === 'ok' && (call || results)) {
    const callPart = { functionCall: call, thoughtSignature: THOUGHT_SIGNATURE };
    const answer = call ? chunk('', true, [callPart]) : chunk(`Results: ${results}`, true);
    if (m[2] === 'generateContent')
      return void res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(answer));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (call) res.write(`data: ${JSON.stringify(chunk('', false, [callPart]))}\r\n\r\n`);
    else res.write(`data: ${JSON.stringify(chunk('Results: ', false))}\r\n\r\n`);
    return void res.end(`data: ${JSON.stringify(call ? chunk('', true, []) : chunk(results as string, true))}\r\n\r\n`);
  }
  if (state.mode === 'rate_limited') return error(res, 429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).');
  if (state.mode === 'slow') {
    await slowly(res, 3_000);
    if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(chunk('too late', true)));
    return;
  }
  // Images in the last turn: the answer names what was seen, so a test reads that the bytes arrived whole.
  const seen = imagesIn(body);
  const words = seen ? [`Saw ${seen}`] : state.words;
  if (m[2] === 'generateContent')
    return void res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(chunk(words.join(''), true)));
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const [i, w] of words.entries()) {
    if (state.mode === 'break' && i === 2) {
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    const last = i === words.length - 1 && state.mode !== 'no_finish';
    res.write(`data: ${JSON.stringify(chunk(w, last))}\r\n\r\n`);
    await new Promise((r) => setImmediate(r));
  }
  res.end();
}

/** The opaque signature sent with each function call (thinking models); clients must send it back. */
export const THOUGHT_SIGNATURE = 'CiQBfake-thought-signature==';

interface GeminiPart {
  text?: string;
  functionCall?: { name: string; args: object };
  functionResponse?: { name: string; response: object };
}

/** The call to answer: functions declared, the last turn not a function result, mode not NONE. */
function functionCallFor(body: any, args: Record<string, unknown>): { name: string; args: object } | undefined {
  const declared: { name: string }[] = (body.tools ?? []).flatMap(
    (t: { functionDeclarations?: { name: string }[] }) => t.functionDeclarations ?? [],
  );
  const config = body.toolConfig?.functionCallingConfig ?? {};
  const lastParts: GeminiPart[] = body.contents?.at(-1)?.parts ?? [];
  if (!declared.length || config.mode === 'NONE' || lastParts.some((p) => p.functionResponse)) return undefined;
  return { name: config.allowedFunctionNames?.[0] ?? declared[0].name, args };
}

/** "name: {json}; …" for the function results in the last turn, or undefined when there are none. */
function functionResults(body: any): string | undefined {
  const lastParts: GeminiPart[] = body.contents?.at(-1)?.parts ?? [];
  const results = lastParts.flatMap((p) =>
    p.functionResponse ? [`${p.functionResponse.name}: ${JSON.stringify(p.functionResponse.response)}`] : [],
  );
  return results.length ? results.join('; ') : undefined;
}

/**
 * The inline images of the last turn as "image/png 70 bytes, …" (undefined when none). The REST docs write the part as
 * `inline_data: { mime_type, data }`, the SDK as `inlineData: { mimeType, data }`: proto JSON takes both, so does this.
 */
function imagesIn(body: any): string | undefined {
  const parts: any[] = body.contents?.at(-1)?.parts ?? [];
  const blobs = parts.flatMap((p) => {
    const blob = p.inline_data ?? p.inlineData;
    return blob ? [`${blob.mime_type ?? blob.mimeType} ${Buffer.from(String(blob.data), 'base64').length} bytes`] : [];
  });
  return blobs.length ? blobs.join(', ') : undefined;
}

function error(res: ServerResponse, code: number, status: string, message: string) {
  res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify({ error: { code, message, status } }));
}
