import { Inject, Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { MediaEnv } from '@nitro/config';
import { IMAGE_LIMITS, type GalleryRecord, type ImageJobData } from '@nitro/contracts';
import { GALLERY_STORE, galleryFilename, GalleryStore } from '@nitro/media-store';
import type { GenerationOutcome } from '../providers/image-generation.service';

/**
 * Stores a job's pictures: PNG, WebP thumbnail and metadata in S3, then the Redis index entry
 * (GalleryStore keeps that order). File names come from the job id, so a job retried after a
 * crash overwrites its own half-written objects instead of leaving strays.
 */
@Injectable()
export class GalleryWriterService {
  constructor(
    @Inject(GALLERY_STORE) private readonly gallery: GalleryStore,
    private readonly env: MediaEnv,
  ) {}

  async store(jobId: string, data: ImageJobData, out: GenerationOutcome): Promise<GalleryRecord[]> {
    const created = Date.now();
    const records: GalleryRecord[] = [];
    // One image at a time: at most one decoded picture and its thumbnail in memory per job.
    for (const [i, png] of out.images.entries()) {
      const thumbnail = await sharp(png)
        .resize(this.env.THUMBNAIL_SIZE, this.env.THUMBNAIL_SIZE, { fit: 'inside' })
        .webp({ quality: 80 })
        .toBuffer();
      const record: GalleryRecord = {
        filename: galleryFilename(jobId, i),
        user_id: data.user_id,
        owner_uid: data.owner_uid,
        job_id: jobId,
        prompt: data.prompt,
        ...(data.negative_prompt ? { negative_prompt: data.negative_prompt } : {}),
        ...(data.style_preset ? { style_preset: data.style_preset } : {}),
        ai_model: out.model,
        ai_source: out.provider,
        seed: (data.seed + i) % (IMAGE_LIMITS.maxSeed + 1),
        width: data.width,
        height: data.height,
        bytes: png.length,
        thumbnail_bytes: thumbnail.length,
        content_type: 'image/png',
        // A millisecond apart, so the images of one job keep their order in the newest-first index.
        created_at: new Date(created + i).toISOString(),
      };
      await this.gallery.save(record, png, thumbnail);
      records.push(record);
    }
    return records;
  }
}
