/** media service message patterns. WARNING: renaming one breaks replicas of other versions in a rolling deploy. */
export const MEDIA_PATTERNS = {
  providers: 'media.providers',
} as const;

/**
 * BullMQ queues. WARNING: never rename one in a running deployment: jobs waiting under the old
 * name would never be processed, and their owners' status URLs would answer 404.
 */
export enum MediaQueue {
  images = 'media-images',
}

/**
 * Key prefix BullMQ uses for the image queue (shared by the gateway, which enqueues, and media, which works).
 * The braces are a Redis Cluster hash tag: BullMQ's scripts touch many keys of one queue at once, so all
 * of them must share one slot (BullMQ's documented way; docs/adr/0009-redis-cluster.md). Renaming it
 * orphans the jobs under the old prefix: drain the queue first.
 */
export const MEDIA_QUEUE_PREFIX = '{nitro:bull:media}';

/** Image providers, as named in IMAGE_PROVIDERS, in `settings.provider` and in every answer's ai_source. */
export const IMAGE_PROVIDER_NAMES = ['automatic1111', 'openai', 'stability', 'huggingface', 'procedural'] as const;
export type ImageProviderName = (typeof IMAGE_PROVIDER_NAMES)[number];

/** Style presets (Stability's list); other providers get the style appended to the prompt. */
export const IMAGE_STYLE_PRESETS = [
  '3d-model',
  'analog-film',
  'anime',
  'cinematic',
  'comic-book',
  'digital-art',
  'enhance',
  'fantasy-art',
  'isometric',
  'line-art',
  'low-poly',
  'modeling-compound',
  'neon-punk',
  'origami',
  'photographic',
  'pixel-art',
  'tile-texture',
] as const;
export type ImageStylePreset = (typeof IMAGE_STYLE_PRESETS)[number];

export const IMAGE_LIMITS = {
  minSize: 64,
  maxSize: 1536,
  sizeStep: 8,
  defaultSize: 512,
  maxCount: 4,
  maxPromptChars: 2000,
  maxNegativePromptChars: 2000,
  /** Stability and A1111 accept seeds up to 2^32 - 2. */
  maxSeed: 4_294_967_294,
} as const;

/**
 * Job ids are issued by the gateway ("img-" + 24 hex digits); gallery file names derive from them
 * ("<job id>-<n>.png"), so a retried job rewrites the same objects instead of leaving strays.
 */
export const IMAGE_JOB_ID_PATTERN = /^img-[0-9a-f]{24}$/;
export const GALLERY_FILENAME_PATTERN = /^img-[0-9a-f]{24}-[0-3]\.png$/;

/**
 * Upper bound on BullMQ attempts the producer sets; the worker fails a job for good after its own
 * JOB_ATTEMPTS, so retry policy lives in one place (the media service's config).
 */
export const IMAGE_JOB_ATTEMPTS_CEILING = 10;
/** Name of the worker's backoff strategy (exponential, or the provider's Retry-After when longer). */
export const IMAGE_JOB_BACKOFF = 'provider-aware';
