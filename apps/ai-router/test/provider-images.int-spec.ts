import { freePort } from '@nitro/testing';
import type { ProviderChunk, ProviderRequest } from '../src/providers/chat-provider.interface';
import { GeminiProvider } from '../src/providers/gemini.provider';
import { OllamaProvider } from '../src/providers/ollama.provider';
import { FakeGemini, startFakeGemini } from './support/fake-gemini.server';
import { FakeOllama, startFakeOllama } from './support/fake-ollama.server';

jest.setTimeout(30_000);

/** A real 1×1 PNG (70 bytes). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const req: ProviderRequest = {
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello!' },
    { role: 'user', content: 'What is in this picture?', images: [{ mime: 'image/png', data: PNG }] },
  ],
};
const signal = () => AbortSignal.timeout(5_000);

async function drain(it: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const out: ProviderChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

describe('Ollama adapter with images (a server speaking /api/show and /api/chat)', () => {
  let ollama: FakeOllama;
  beforeAll(async () => (ollama = await startFakeOllama()));
  afterAll(() => ollama.close());
  beforeEach(() => {
    ollama.bodies.length = 0;
    ollama.shows.length = 0;
  });
  const fresh = (host = ollama.url) => new OllamaProvider({ host, model: 'llava', timeoutMs: 2_000 });

  it('reads "vision" in /api/show capabilities, once per model, shared with the context lookup', async () => {
    ollama.capabilities = ['completion', 'vision'];
    const provider = fresh();
    expect(await provider.supportsImages('llava', signal())).toBe(true);
    await provider.generate(req, signal());
    expect(ollama.shows).toEqual(['llava']);
    ollama.capabilities = ['completion', 'tools'];
    expect(await fresh().supportsImages('phi3', signal())).toBe(false);
  });

  it('is "no images" when Ollama cannot be asked (refused connection), without throwing', async () => {
    expect(await fresh(`http://127.0.0.1:${await freePort()}`).supportsImages('llava', signal())).toBe(false);
  });

  it('sends the images as base64 in the last message\'s "images", whole and streamed; earlier messages carry none', async () => {
    const provider = fresh();
    await provider.generate(req, signal());
    await drain(provider.stream(req, signal()));
    expect(ollama.bodies).toHaveLength(2);
    for (const body of ollama.bodies) {
      expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'What is in this picture?', images: [PNG] });
      expect(body.messages.slice(0, -1).some((m: { images?: unknown }) => 'images' in m)).toBe(false);
    }
    expect(ollama.bodies[1].stream).toBe(true);
  });
});

describe('Gemini adapter with images (a server speaking generateContent)', () => {
  let gemini: FakeGemini;
  beforeAll(async () => (gemini = await startFakeGemini()));
  afterAll(() => gemini.close());
  const provider = () => new GeminiProvider({ apiKey: 'test-key', model: 'gemini-2.0-flash', baseUrl: gemini.url, timeoutMs: 2_000 });

  it('reads images (when configured), sent as an inline data part before the text of the last user turn', async () => {
    expect(await provider().supportsImages()).toBe(true);
    gemini.requests.length = 0;
    const r = await provider().generate(req, signal());
    expect(r.text).toBe('Saw image/png 70 bytes');
    const parts = gemini.requests[0].body.contents.at(-1).parts;
    // The SDK writes inline_data / mime_type (the REST docs' spelling) in proto JSON's camelCase form.
    expect(parts).toEqual([{ inlineData: { mimeType: 'image/png', data: PNG } }, { text: 'What is in this picture?' }]);
    expect(gemini.requests[0].body.contents[0].parts).toEqual([{ text: 'Hi' }]);
    const streamed = await drain(provider().stream(req, signal()));
    expect(streamed[0]).toEqual({ text: 'Saw image/png 70 bytes' });
  });
});
