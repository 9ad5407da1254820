import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** How the fake answers the next /api/chat requests. */
export type OllamaMode = 'ok' | 'not_found' | 'server_error' | 'slow' | 'break';

export interface FakeOllama {
  url: string;
  mode: OllamaMode;
  /** /api/chat request bodies received, in order. */
  bodies: any[];
  words: string[];
  /** What POST /api/show reports: `num_ctx` in `parameters` when set, `llama.context_length` in model_info. */
  context: { num_ctx?: number; context_length: number };
  /** Models asked about with POST /api/show, in order. */
  shows: string[];
  /** What POST /api/show lists in `capabilities` ("vision": the model reads a message's `images`). */
  capabilities: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for Ollama's POST /api/chat in its documented wire format: one JSON object when
 * "stream" is false, else NDJSON lines `{model, created_at, message:{role, content}, done:false}`
 * and a final `done:true` line with done_reason, prompt_eval_count and eval_count. Errors are
 * `{"error": "..."}` with the HTTP status, as Ollama sends them. POST /api/show ("Show model information")
 * answers `parameters` (the Modelfile's parameters as text, `num_ctx <n>` among them when set), `details`,
 * `model_info` (`general.architecture`, `llama.context_length`) and `capabilities`.
 */
export async function startFakeOllama(words = ['Hello', ' from', ' fake', ' Ollama', '.']): Promise<FakeOllama> {
  const state: Omit<FakeOllama, 'url' | 'close'> = {
    mode: 'ok',
    bodies: [],
    words,
    context: { context_length: 32_768 },
    shows: [],
    capabilities: ['completion', 'tools'],
  };
  const server = createServer((req, res) => void handle(req, res, state));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) });
}

async function handle(req: IncomingMessage, res: ServerResponse, state: Omit<FakeOllama, 'url' | 'close'>) {
  let raw = '';
  for await (const c of req) raw += c;
  if (req.method === 'POST' && req.url === '/api/show') return show(res, JSON.parse(raw || '{}').model, state);
  if (req.method !== 'POST' || req.url !== '/api/chat') return json(res, 404, { error: '404 page not found' });
  const body = JSON.parse(raw || '{}');
  state.bodies.push(body);
  const model = body.model;
  const created_at = new Date().toISOString();
  const line = (content: string, done = false) => ({ model, created_at, message: { role: 'assistant', content }, done });
  const final = {
    ...line('', true),
    done_reason: 'stop',
    total_duration: 1_000_000,
    prompt_eval_count: 12,
    eval_count: state.words.length,
  };
  switch (state.mode) {
    case 'not_found':
      return json(res, 404, { error: `model '${model}' not found, try pulling it first` });
    case 'server_error':
      return json(res, 500, { error: 'llama runner process has terminated: signal: killed' });
    case 'slow':
      await slowly(res, 3_000);
      if (!res.destroyed) json(res, 200, { ...final, message: { role: 'assistant', content: 'too late' } });
      return;
  }
  if (body.stream === false) return json(res, 200, { ...final, message: { role: 'assistant', content: state.words.join('') } });
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const [i, w] of state.words.entries()) {
    if (state.mode === 'break' && i === 2) {
      // Two chunks went out: now the connection dies mid-answer (a crashed or restarted server).
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    res.write(`${JSON.stringify(line(w))}\n`);
    await new Promise((r) => setImmediate(r));
  }
  res.end(`${JSON.stringify(final)}\n`);
}

function show(res: ServerResponse, model: string, state: Omit<FakeOllama, 'url' | 'close'>) {
  state.shows.push(model);
  const { num_ctx, context_length } = state.context;
  const parameters = [...(num_ctx ? [`num_ctx                        ${num_ctx}`] : []), 'stop                           "<|end|>"'].join(
    '\n',
  );
  return json(res, 200, {
    modelfile: `FROM ${model}`,
    parameters,
    template: '{{ .Prompt }}',
    details: { format: 'gguf', family: 'llama', parameter_size: '3.8B', quantization_level: 'Q4_0' },
    model_info: { 'general.architecture': 'llama', 'general.parameter_count': 3_821_079_552, 'llama.context_length': context_length },
    capabilities: state.capabilities,
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** Waits, but gives up as soon as the client hangs up (so no timer outlives the test). */
export function slowly(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    res.on('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
}
