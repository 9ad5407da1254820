import { MediaEnv } from '@nitro/config';
import { GeneratedImages, ImageProvider, ImageProviderError, ImageRequest, promptWithStyle } from './image-provider.interface';
import { decodeBase64Image, failureFor, providerFetch, vendorFailure } from './provider-http';

interface ImagesResponse {
  created?: number;
  data?: { b64_json?: string; url?: string; revised_prompt?: string }[];
}
interface OpenAiError {
  error?: { message?: string; type?: string; code?: string | null; param?: string | null } | string;
}

/** Sizes OpenAI's own models accept; other servers (LocalAI...) take any WxH. */
const MODEL_SIZES: [RegExp, [number, number][]][] = [
  [
    /^dall-e-2/,
    [
      [256, 256],
      [512, 512],
      [1024, 1024],
    ],
  ],
  [
    /^dall-e-3/,
    [
      [1024, 1024],
      [1792, 1024],
      [1024, 1792],
    ],
  ],
  [
    /^gpt-image/,
    [
      [1024, 1024],
      [1536, 1024],
      [1024, 1536],
    ],
  ],
];

/**
 * Any server with OpenAI's POST /v1/images/generations (OpenAI, LocalAI, and many hosted FLUX
 * services). Answers `{ created, data: [{ b64_json } | { url }] }`, errors `{ error: { message, code } }`.
 */
export class OpenAiImagesProvider implements ImageProvider {
  readonly name = 'openai' as const;
  readonly ai = true;

  constructor(private readonly env: MediaEnv) {}

  unavailable(): string | null {
    if (!this.env.OPENAI_IMAGES_BASE_URL)
      return 'not configured: set OPENAI_IMAGES_BASE_URL (and OPENAI_IMAGES_API_KEY for api.openai.com)';
    if (/api\.openai\.com/.test(this.env.OPENAI_IMAGES_BASE_URL) && !this.env.OPENAI_IMAGES_API_KEY)
      return 'not configured: set OPENAI_IMAGES_API_KEY';
    return null;
  }

  model(): string {
    return this.env.OPENAI_IMAGES_MODEL;
  }

  async generate(req: ImageRequest): Promise<GeneratedImages> {
    // dall-e-3 draws one image per request; the others take n.
    const perCall = /^dall-e-3/.test(this.model()) ? 1 : req.count;
    const images: Buffer[] = [];
    while (images.length < req.count) {
      images.push(...(await this.call(req, Math.min(perCall, req.count - images.length))));
      req.onProgress((images.length / req.count) * 100);
    }
    return { images: images.slice(0, req.count), model: this.model() };
  }

  private async call(req: ImageRequest, n: number): Promise<Buffer[]> {
    const [w, h] = supportedSize(this.model(), req.width, req.height);
    const body: Record<string, unknown> = { model: this.model(), prompt: promptWithStyle(req), n, size: `${w}x${h}` };
    // gpt-image models always answer base64 and reject the parameter.
    if (!/^gpt-image/.test(this.model())) body.response_format = 'b64_json';
    const answer = await providerFetch({
      provider: this.name,
      url: `${this.env.OPENAI_IMAGES_BASE_URL.replace(/\/$/, '')}/images/generations`,
      headers: {
        'content-type': 'application/json',
        ...(this.env.OPENAI_IMAGES_API_KEY ? { authorization: `Bearer ${this.env.OPENAI_IMAGES_API_KEY}` } : {}),
      },
      body: JSON.stringify(body),
      timeoutMs: this.env.OPENAI_IMAGES_TIMEOUT_MS,
      signal: req.signal,
    });
    if (answer.status !== 200) {
      throw vendorFailure<OpenAiError>(this.name, answer, ({ error: e }) => ({
        message: typeof e === 'string' ? e : [e?.code, e?.message].filter(Boolean).join(': '),
      }));
    }
    const data = answer.json<ImagesResponse>().data;
    if (!Array.isArray(data) || !data.length) throw new ImageProviderError(this.name, 'bad_response', 'answer has no "data" images');
    return Promise.all(data.map((d) => (d.b64_json ? decodeBase64Image(this.name, d.b64_json) : this.download(d.url, req.signal))));
  }

  /** Servers that ignore response_format answer with a URL: fetch it within the same deadline. */
  private async download(url: string | undefined, signal: AbortSignal): Promise<Buffer> {
    if (!url || !/^https?:\/\//.test(url))
      throw new ImageProviderError(this.name, 'bad_response', 'image entry has neither b64_json nor an http(s) url');
    const answer = await providerFetch({ provider: this.name, url, method: 'GET', timeoutMs: this.env.OPENAI_IMAGES_TIMEOUT_MS, signal });
    if (answer.status !== 200) throw failureFor(this.name, answer, `downloading the image: ${answer.text().slice(0, 100)}`);
    return answer.body;
  }
}

/** The nearest size the model accepts (by aspect ratio, then area); the job resizes to the exact size. */
export function supportedSize(model: string, width: number, height: number): [number, number] {
  const sizes = MODEL_SIZES.find(([re]) => re.test(model))?.[1];
  if (!sizes) return [width, height];
  const score = ([w, h]: [number, number]) =>
    Math.abs(Math.log(w / h / (width / height))) * 10 + Math.abs(Math.log((w * h) / (width * height)));
  return sizes.reduce((best, s) => (score(s) < score(best) ? s : best));
}
