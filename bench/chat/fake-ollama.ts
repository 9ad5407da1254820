import { createServer, Server } from 'node:http';

/**
 * An Ollama stand-in answering POST /api/chat in Ollama's documented format (JSON, or NDJSON when
 * "stream" is true) after a fixed latency, and POST /api/show (the model's context, asked once per
 * model), so the benchmark measures our overhead, not a model.
 */
export function startFakeOllama(port: number, latencyMs = 20): Promise<Server> {
  const words = ['Hello', ' from', ' the', ' benchmark', '.'];
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/show') {
      // Asked once per model by the provider (context budgeting); Ollama's documented shape, a 4,096-token num_ctx.
      const show = {
        parameters: 'num_ctx                        4096',
        model_info: { 'general.architecture': 'llama', 'llama.context_length': 131072 },
      };
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(show)));
      return;
    }
    if (req.method !== 'POST' || !req.url?.startsWith('/api/chat')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const model = body.model ?? 'phi3';
      const created_at = new Date().toISOString();
      const final = {
        model,
        created_at,
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        total_duration: latencyMs * 1e6,
        prompt_eval_count: 10,
        eval_count: words.length,
      };
      // latencyMs 0 answers at once: setTimeout(fn, 0) would add Node's 1 ms minimum to every baseline.
      const answer = () => {
        if (body.stream === false) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: words.join('') } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for (const w of words)
          res.write(JSON.stringify({ model, created_at, message: { role: 'assistant', content: w }, done: false }) + '\n');
        res.end(JSON.stringify(final) + '\n');
      };
      if (latencyMs > 0) setTimeout(answer, latencyMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
