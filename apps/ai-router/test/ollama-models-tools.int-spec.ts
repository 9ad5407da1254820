import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OllamaProvider } from '../src/providers/ollama.provider';
import { OllamaModelSource } from '../src/models/model-sources';
import { OllamaEmbeddingProvider } from '../src/models/embeddings/embedding-providers';
import type { ProviderChunk } from '../src/providers/chat-provider.interface';

/**
 * Ollama's wire format for tool calls, the model list and embeddings, served by a local HTTP server
 * as Ollama documents it (docs/api.md): /api/chat answers with `message.tool_calls` whose arguments
 * are objects and carry no id; /api/tags + /api/show list models with capabilities; /api/embed.
 */
describe('Ollama adapter: tool calls, model list and embeddings in its wire format', () => {
  let server: Server;
  let url: string;
  const bodies: Record<string, unknown>[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let raw = '';
      for await (const c of req) raw += c;
      const body = raw ? JSON.parse(raw) : {};
      bodies.push({ path: req.url, ...body });
      const send = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      const call = { function: { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } } };
      const base = { model: body.model, created_at: new Date().toISOString() };
      if (req.url === '/api/tags')
        return send(200, {
          models: [
            { name: 'llama3.2:latest', model: 'llama3.2:latest', size: 1 },
            { name: 'nomic-embed-text:latest', size: 1 },
          ],
        });
      if (req.url === '/api/show') {
        const embed = String(body.model).startsWith('nomic');
        return send(200, {
          capabilities: embed ? ['embedding'] : ['completion', 'tools'],
          model_info: { 'llama.context_length': embed ? 8192 : 131072 },
        });
      }
      if (req.url === '/api/embed')
        return send(200, { model: body.model, embeddings: body.input.map((t: string) => [t.length, 1, 0]), prompt_eval_count: 7 });
      if (req.url !== '/api/chat') return send(404, { error: 'not found' });
      const final = { ...base, done: true, done_reason: 'stop', prompt_eval_count: 20, eval_count: 5 };
      if (!body.stream) return send(200, { ...final, message: { role: 'assistant', content: '', tool_calls: [call] } });
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(`${JSON.stringify({ ...base, message: { role: 'assistant', content: '', tool_calls: [call] }, done: false })}\n`);
      res.end(`${JSON.stringify({ ...final, message: { role: 'assistant', content: '' } })}\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const tools = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ];

  it('sends tools and turns message.tool_calls into ours (id, JSON-string arguments), stream and not', async () => {
    const ollama = new OllamaProvider({ host: url, model: 'llama3.2', timeoutMs: 5_000 });
    const req = { messages: [{ role: 'user' as const, content: 'Weather in Paris?' }], tools };
    const result = await ollama.generate(req, new AbortController().signal);
    expect(bodies.at(-1)).toMatchObject({ path: '/api/chat', tools });
    expect(result.finishReason).toBe('tool_calls');
    expect(result.toolCalls).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
    ]);
    const chunks: ProviderChunk[] = [];
    for await (const c of ollama.stream(req, new AbortController().signal)) chunks.push(c);
    expect(chunks.at(-1)).toMatchObject({
      done: true,
      finishReason: 'tool_calls',
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' }],
    });
  });

  it('sends the tool result back with the tool name and the call with object arguments', async () => {
    const ollama = new OllamaProvider({ host: url, model: 'llama3.2', timeoutMs: 5_000 });
    await ollama.generate(
      {
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
          { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
        ],
        tools,
      },
      new AbortController().signal,
    );
    const sent = bodies.at(-1) as { messages: unknown[] };
    expect(sent.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: '{"temp":21}', tool_name: 'get_weather' },
    ]);
  });

  it('lists models with capabilities and context length from /api/tags and /api/show', async () => {
    const models = await new OllamaModelSource(url).list(new AbortController().signal);
    expect(models).toEqual([
      { model: 'llama3.2:latest', capabilities: ['chat', 'tools'], context_length: 131072 },
      { model: 'nomic-embed-text:latest', capabilities: ['embeddings'], context_length: 8192 },
    ]);
  });

  it('embeds through /api/embed, one vector per input', async () => {
    const out = await new OllamaEmbeddingProvider({ host: url, timeoutMs: 5_000 }).embed(
      ['ab', 'abcd'],
      'nomic-embed-text',
      new AbortController().signal,
    );
    expect(out).toEqual({
      vectors: [
        [2, 1, 0],
        [4, 1, 0],
      ],
      promptTokens: 7,
      model: 'nomic-embed-text',
    });
  });
});
