import type { GalleryItemDto, GalleryRecord, GenerateImageResultDto, ImageJobResult } from '@nitro/contracts';
import type { ImageJobPresenter } from '@nitro/media-store';

/** URLs the gateway hands out; relative, so they work behind any host name or load balancer. */
export const imageUrls = {
  status: (jobId: string) => `/images/jobs/${jobId}`,
  events: (jobId: string) => `/images/jobs/${jobId}/events`,
  download: (filename: string) => `/gallery/download/${filename}`,
  thumbnail: (filename: string) => `/gallery/download/${filename}?variant=thumbnail`,
};

export function toGalleryItem(r: GalleryRecord): GalleryItemDto {
  return {
    filename: r.filename,
    url: imageUrls.download(r.filename),
    thumbnail_url: imageUrls.thumbnail(r.filename),
    job_id: r.job_id,
    prompt: r.prompt,
    ...(r.negative_prompt ? { negative_prompt: r.negative_prompt } : {}),
    ...(r.style_preset ? { style_preset: r.style_preset } : {}),
    ai_model: r.ai_model,
    ai_source: r.ai_source,
    seed: r.seed,
    width: r.width,
    height: r.height,
    bytes: r.bytes,
    created_at: r.created_at,
  };
}

/** The seed's answer shape (image_url first), built from what the worker returned. */
export function toResult(jobId: string, prompt: string, result: ImageJobResult, finishedOn?: number): GenerateImageResultDto {
  const images = result.images.map(toGalleryItem);
  return {
    job_id: jobId,
    image_url: images[0]?.url ?? '',
    thumbnail_url: images[0]?.thumbnail_url ?? '',
    filename: images[0]?.filename ?? '',
    images,
    ai_model: result.ai_model,
    ai_source: result.ai_source,
    prompt,
    seed: result.seed,
    timestamp: new Date(finishedOn ?? Date.now()).toISOString(),
    ...(result.fallbacks?.length ? { fallbacks: result.fallbacks } : {}),
  };
}

/** How job states read by @nitro/media-store become answers with this gateway's URLs. */
export const imageJobPresenter: ImageJobPresenter = { eventsUrl: imageUrls.events, result: toResult };
