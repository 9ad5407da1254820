import sharp from 'sharp';
import { loadConfig, MediaEnv } from '@nitro/config';
import { freePort } from '@nitro/testing';
import { Automatic1111ImageProvider } from '../src/providers/automatic1111.image-provider';
import { HuggingFaceImageProvider } from '../src/providers/huggingface.image-provider';
import { ImageProvider, ImageProviderError, ImageRequest } from '../src/providers/image-provider.interface';
import { OpenAiImagesProvider } from '../src/providers/openai-images.image-provider';
import { StabilityImageProvider } from '../src/providers/stability.image-provider';
import { FakeVendor, picture, sendJson, startFakeVendor } from './support/fake-vendor';

/**
 * Each vendor adapter against a local server answering in that vendor's documented format:
 * request shape, success bodies, error bodies, rate limits, hangs and closed ports.
 */
describe('image provider adapters against local vendor servers', () => {
  let vendor: FakeVendor;
  beforeAll(async () => (vendor = await startFakeVendor()));
  afterAll(() => vendor.close());
  beforeEach(() => vendor.seen.splice(0));

  const env = (vars: Record<string, string>) => loadConfig(MediaEnv, vars);
  const request = (over: Partial<ImageRequest> = {}): ImageRequest & { progress: number[] } => {
    const progress: number[] = [];
    return {
      prompt: 'a red fox',
      width: 768,
      height: 512,
      count: 1,
      seed: 42,
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
      progress,
      ...over,
    };
  };
  const failure = async (provider: ImageProvider, req = request()): Promise<ImageProviderError> => {
    try {
      await provider.generate(req);
    } catch (err) {
      expect(err).toBeInstanceOf(ImageProviderError);
      return err as ImageProviderError;
    }
    throw new Error('expected the provider to fail');
  };

  describe('Stability (POST /v2beta/stable-image/generate/core, multipart)', () => {
    const stability = () =>
      new StabilityImageProvider(env({ STABILITY_API_KEY: 'sk-test', STABILITY_BASE_URL: vendor.url, STABILITY_TIMEOUT_MS: '1000' }));

    it('sends the documented form and reads base64 JSON; one call per image with consecutive seeds', async () => {
      const png = await picture(1216, 832);
      vendor.respond((req, res) =>
        sendJson(res, 200, { image: png.toString('base64'), finish_reason: 'SUCCESS', seed: Number(req.form?.seed) }),
      );
      const req = request({ count: 2, style_preset: 'anime', negative_prompt: 'blurry' });
      const out = await stability().generate(req);
      expect(out.images.map((b) => b.equals(png))).toEqual([true, true]);
      expect(out.model).toBe('stable-image-core');
      expect(vendor.seen).toHaveLength(2);
      expect(vendor.seen[0]).toMatchObject({
        method: 'POST',
        url: '/v2beta/stable-image/generate/core',
        headers: { authorization: 'Bearer sk-test', accept: 'application/json' },
      });
      expect(vendor.seen[0].form).toEqual({
        prompt: 'a red fox',
        negative_prompt: 'blurry',
        style_preset: 'anime',
        aspect_ratio: '3:2',
        seed: '42',
        output_format: 'png',
      });
      expect(vendor.seen[1].form?.seed).toBe('43');
      expect(req.progress).toEqual([50, 100]);
    });

    it.each([
      [400, 'rejected', { id: 'a1', name: 'bad_request', errors: ['prompt: cannot be empty'] }, /bad_request: prompt: cannot be empty/],
      [
        403,
        'rejected',
        { id: 'a2', name: 'content_moderation', errors: ['Your request was flagged by our content moderation system'] },
        /content_moderation/,
      ],
      [401, 'config', { id: 'a3', name: 'unauthorized', errors: ['missing authorization header'] }, /HTTP 401/],
      [402, 'config', { id: 'a4', name: 'payment_required', errors: ['lacks sufficient credits'] }, /credits/],
      [500, 'server_error', { id: 'a5', name: 'internal_error', errors: ['An unexpected server error occurred'] }, /HTTP 500/],
    ])('HTTP %i with its error body -> %s', async (status, kind, body, message) => {
      vendor.respond((_req, res) => sendJson(res, status, body));
      const err = await failure(stability());
      expect(err.kind).toBe(kind);
      expect(err.message).toMatch(message);
    });

    it('429 -> rate_limited with the Retry-After it sent', async () => {
      vendor.respond((_req, res) =>
        sendJson(res, 429, { id: 'r', name: 'rate_limit_exceeded', errors: ['You have exceeded the rate limit'] }, { 'retry-after': '12' }),
      );
      const err = await failure(stability());
      expect(err).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
    });

    it('finish_reason CONTENT_FILTERED -> rejected (the prompt, not the server)', async () => {
      vendor.respond(async (_req, res) =>
        sendJson(res, 200, { image: (await picture(64, 64)).toString('base64'), finish_reason: 'CONTENT_FILTERED', seed: 1 }),
      );
      expect((await failure(stability())).kind).toBe('rejected');
    });

    it('a server that never answers -> timeout after STABILITY_TIMEOUT_MS', async () => {
      vendor.respond(() => undefined);
      const err = await failure(stability());
      expect(err.kind).toBe('timeout');
      expect(err.message).toMatch(/within 1000 ms/);
    });

    it('a non-JSON error page (502 from a proxy) -> server_error from the status alone', async () => {
      vendor.respond((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>'));
      expect(await failure(stability())).toMatchObject({ kind: 'server_error' });
    });

    it('not configured without a key, and says which variable', () => {
      expect(new StabilityImageProvider(env({})).unavailable()).toMatch(/STABILITY_API_KEY/);
    });
  });

  describe('Hugging Face Inference (POST {base}/{model}, image bytes back)', () => {
    const hf = (extra: Record<string, string> = {}) =>
      new HuggingFaceImageProvider(env({ HF_API_TOKEN: 'hf_test', HF_BASE_URL: `${vendor.url}/models`, HF_TIMEOUT_MS: '1000', ...extra }));

    it('sends { inputs, parameters } and returns the image bytes it answers', async () => {
      const jpeg = await picture(768, 512, 'jpeg');
      vendor.respond((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
      const out = await hf().generate(request({ negative_prompt: 'text', style_preset: 'pixel-art' }));
      expect(out.images[0].equals(jpeg)).toBe(true);
      expect(out.model).toBe('black-forest-labs/FLUX.1-schnell');
      expect(vendor.seen[0]).toMatchObject({
        url: '/models/black-forest-labs/FLUX.1-schnell',
        headers: { authorization: 'Bearer hf_test' },
      });
      expect(vendor.seen[0].json).toEqual({
        inputs: 'a red fox, pixel art style',
        parameters: { width: 768, height: 512, seed: 42, negative_prompt: 'text' },
      });
    });

    it('503 while the model loads -> server_error, retried after estimated_time', async () => {
      vendor.respond((_req, res) =>
        sendJson(res, 503, { error: 'Model black-forest-labs/FLUX.1-schnell is currently loading', estimated_time: 20.5 }),
      );
      expect(await failure(hf())).toMatchObject({
        kind: 'server_error',
        retryAfterMs: 20_500,
        message: expect.stringMatching(/currently loading/),
      });
    });

    it.each([
      [429, 'rate_limited', { error: 'Rate limit reached. You reached free usage limit (reset hourly).' }],
      [400, 'rejected', { error: ['Input validation error: `inputs` cannot be empty'] }],
      [401, 'config', { error: 'Invalid credentials in Authorization header' }],
      [404, 'config', { error: 'Model not found' }],
    ])('HTTP %i {error} -> %s', async (status, kind, body) => {
      vendor.respond((_req, res) => sendJson(res, status, body));
      expect((await failure(hf())).kind).toBe(kind);
    });

    it('a 200 that is not an image -> bad_response', async () => {
      vendor.respond((_req, res) => sendJson(res, 200, { generated_text: 'oops' }));
      expect((await failure(hf())).kind).toBe('bad_response');
    });

    it('a closed port -> unreachable', async () => {
      const port = await freePort();
      const err = await failure(hf({ HF_BASE_URL: `http://127.0.0.1:${port}` }));
      expect(err).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/connection refused/) });
    });
  });

  describe('OpenAI-compatible (POST /v1/images/generations)', () => {
    const openai = (model = 'dall-e-2') =>
      new OpenAiImagesProvider(
        env({
          OPENAI_IMAGES_BASE_URL: `${vendor.url}/v1`,
          OPENAI_IMAGES_API_KEY: 'sk-o',
          OPENAI_IMAGES_MODEL: model,
          OPENAI_IMAGES_TIMEOUT_MS: '1000',
        }),
      );

    it('asks for n images as b64_json at the nearest size the model accepts', async () => {
      const png = await picture(512, 512);
      vendor.respond((req, res) =>
        sendJson(res, 200, { created: 1, data: Array.from({ length: req.json.n }, () => ({ b64_json: png.toString('base64') })) }),
      );
      const out = await openai().generate(request({ count: 3 }));
      expect(out.images).toHaveLength(3);
      expect(vendor.seen).toHaveLength(1);
      expect(vendor.seen[0]).toMatchObject({ url: '/v1/images/generations', headers: { authorization: 'Bearer sk-o' } });
      expect(vendor.seen[0].json).toEqual({ model: 'dall-e-2', prompt: 'a red fox', n: 3, size: '512x512', response_format: 'b64_json' });
    });

    it('dall-e-3 draws one per request; gpt-image gets no response_format; other servers get the exact size', async () => {
      const png = await picture(64, 64);
      vendor.respond((_req, res) =>
        sendJson(res, 200, { created: 1, data: [{ b64_json: png.toString('base64'), revised_prompt: 'a red fox in snow' }] }),
      );
      await openai('dall-e-3').generate(request({ count: 2 }));
      expect(vendor.seen.map((s) => [s.json.n, s.json.size])).toEqual([
        [1, '1792x1024'],
        [1, '1792x1024'],
      ]);
      await openai('gpt-image-1').generate(request());
      expect(vendor.seen[2].json).not.toHaveProperty('response_format');
      await openai('stablediffusion').generate(request());
      expect(vendor.seen[3].json.size).toBe('768x512');
    });

    it('follows url entries when the server ignores response_format', async () => {
      const png = await picture(32, 32);
      vendor.respond((req, res) =>
        req.url.startsWith('/files/')
          ? res.writeHead(200, { 'content-type': 'image/png' }).end(png)
          : sendJson(res, 200, { created: 1, data: [{ url: `${vendor.url}/files/a.png` }] }),
      );
      const out = await openai('stablediffusion').generate(request());
      expect(out.images[0].equals(png)).toBe(true);
    });

    it.each([
      [
        400,
        'rejected',
        {
          error: {
            message: 'Your request was rejected as a result of our safety system.',
            type: 'invalid_request_error',
            code: 'content_policy_violation',
            param: null,
          },
        },
        /content_policy_violation/,
      ],
      [
        401,
        'config',
        { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key', param: null } },
        /invalid_api_key/,
      ],
      [
        429,
        'rate_limited',
        { error: { message: 'Rate limit reached for images per minute', type: 'requests', code: 'rate_limit_exceeded', param: null } },
        /rate_limit_exceeded/,
      ],
      [
        500,
        'server_error',
        { error: { message: 'The server had an error processing your request.', type: 'server_error', code: null, param: null } },
        /server had an error/,
      ],
    ])('HTTP %i {error:{message,code}} -> %s', async (status, kind, body, message) => {
      vendor.respond((_req, res) => sendJson(res, status, body));
      const err = await failure(openai());
      expect(err.kind).toBe(kind);
      expect(err.message).toMatch(message);
    });

    it('an answer without data -> bad_response', async () => {
      vendor.respond((_req, res) => sendJson(res, 200, { created: 1, data: [] }));
      expect((await failure(openai())).kind).toBe('bad_response');
    });
  });

  describe('AUTOMATIC1111 (POST /sdapi/v1/txt2img, GET /sdapi/v1/progress)', () => {
    const a1111 = (timeout = '5000') =>
      new Automatic1111ImageProvider(
        env({
          A1111_URL: vendor.url,
          A1111_AUTH: 'me:secret',
          A1111_TIMEOUT_MS: timeout,
          A1111_PROGRESS_POLL_MS: '100',
          A1111_STEPS: '12',
        }),
      );

    it('sends the batch, reports /progress as percent, and drops the grid image', async () => {
      const [grid, a, b] = await Promise.all([
        picture(1536, 512),
        picture(768, 512, 'png', '#ff0000'),
        picture(768, 512, 'png', '#00ff00'),
      ]);
      let polls = 0;
      vendor.respond((req, res) => {
        if (req.url.startsWith('/sdapi/v1/progress'))
          return sendJson(res, 200, {
            progress: Math.min(0.9, ++polls * 0.3),
            eta_relative: 1.2,
            state: { job_count: 1 },
            current_image: null,
            textinfo: null,
          });
        setTimeout(
          () =>
            sendJson(res, 200, {
              images: [grid, a, b].map((x) => x.toString('base64')),
              parameters: req.json,
              info: JSON.stringify({ seed: 42, all_seeds: [42, 43], sd_model_name: 'v1-5-pruned-emaonly' }),
            }),
          450,
        );
      });
      const req = request({ count: 2, negative_prompt: 'lowres' });
      const out = await a1111().generate(req);
      expect(out.images.map((x) => x.equals(a) || x.equals(b))).toEqual([true, true]);
      expect(out.images[0].equals(a)).toBe(true);
      expect(out.model).toBe('automatic1111/v1-5-pruned-emaonly');
      const call = vendor.seen.find((s) => s.url === '/sdapi/v1/txt2img')!;
      expect(call.headers.authorization).toBe(`Basic ${Buffer.from('me:secret').toString('base64')}`);
      expect(call.json).toMatchObject({
        prompt: 'a red fox',
        negative_prompt: 'lowres',
        width: 768,
        height: 512,
        seed: 42,
        batch_size: 2,
        n_iter: 1,
        steps: 12,
      });
      expect(req.progress.length).toBeGreaterThan(0);
      expect(req.progress).toEqual([...req.progress].sort((x, y) => x - y));
      expect(Math.max(...req.progress)).toBeLessThan(100);
    });

    it('422 (FastAPI validation detail) -> rejected, naming the field', async () => {
      vendor.respond((req, res) =>
        req.url.startsWith('/sdapi/v1/progress')
          ? sendJson(res, 200, { progress: 0 })
          : sendJson(res, 422, { detail: [{ loc: ['body', 'width'], msg: 'value is not a valid integer', type: 'type_error.integer' }] }),
      );
      const err = await failure(a1111());
      expect(err.kind).toBe('rejected');
      expect(err.message).toMatch(/width: value is not a valid integer/);
    });

    it('500 {error, errors} (out of memory) -> server_error with the message', async () => {
      vendor.respond((req, res) =>
        req.url.startsWith('/sdapi/v1/progress')
          ? sendJson(res, 200, { progress: 0 })
          : sendJson(res, 500, {
              error: 'OutOfMemoryError',
              detail: '',
              body: '',
              errors: 'CUDA out of memory. Tried to allocate 2.00 GiB',
            }),
      );
      const err = await failure(a1111());
      expect(err).toMatchObject({ kind: 'server_error', message: expect.stringMatching(/CUDA out of memory/) });
    });

    it('a txt2img that never ends -> timeout, and polling stops with it', async () => {
      vendor.respond((req, res) => (req.url.startsWith('/sdapi/v1/progress') ? sendJson(res, 200, { progress: 0.1 }) : undefined));
      const err = await failure(a1111('1000'));
      expect(err.kind).toBe('timeout');
      const polls = vendor.seen.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(vendor.seen.length).toBe(polls);
    });
  });

  it('every adapter output is a real picture sharp can read', async () => {
    const png = await picture(768, 512);
    vendor.respond((_req, res) => sendJson(res, 200, { image: png.toString('base64'), finish_reason: 'SUCCESS', seed: 42 }));
    const out = await new StabilityImageProvider(env({ STABILITY_API_KEY: 'k', STABILITY_BASE_URL: vendor.url })).generate(request());
    expect(await sharp(out.images[0]).metadata()).toMatchObject({ format: 'png', width: 768, height: 512 });
  });
});
