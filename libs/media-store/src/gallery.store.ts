import type { GalleryRecord } from '@nitro/contracts';
import { galleryKeys, isGalleryFilename } from './gallery-keys';
import { GalleryIndexRepository } from './gallery-index.repository';
import { GalleryObjectsRepository, StoredObject } from './gallery-objects.repository';

export type GalleryVariant = 'original' | 'thumbnail';

/**
 * The gallery's write and read orders, in one place for the media service and the gateway.
 * The metadata object is the commit marker: written after the PNG and the thumbnail, deleted
 * before them. The Redis index follows S3 (written last, removed last), so a crash at any point
 * leaves a state the repair sweep recognises: metadata without index entry -> index it again;
 * index entry without metadata -> drop it and its objects; objects without metadata -> strays.
 */
export class GalleryStore {
  constructor(
    readonly objects: GalleryObjectsRepository,
    readonly index: GalleryIndexRepository,
  ) {}

  async save(record: GalleryRecord, png: Buffer, thumbnail: Buffer): Promise<void> {
    const { owner_uid: u, filename: f } = record;
    await this.objects.put(galleryKeys.image(u, f), png, 'image/png');
    await this.objects.put(galleryKeys.thumbnail(u, f), thumbnail, 'image/webp');
    await this.objects.put(galleryKeys.meta(u, f), Buffer.from(JSON.stringify(record)), 'application/json');
    await this.index.add(record);
  }

  /** One owner's images, newest first (ownerUid: the account's uid, not its username). */
  page(ownerUid: string, offset: number, limit: number) {
    return this.index.page(ownerUid, offset, limit);
  }

  /**
   * The record of a name the service issued; null for anything else (never touches S3 for a bad name).
   * With `ownerUid`, only that owner's gallery is asked (one slot; another owner's file is null);
   * without, the owner comes from the file name's pointer (an admin's download by name alone).
   */
  async find(filename: string, ownerUid?: string): Promise<GalleryRecord | null> {
    if (!isGalleryFilename(filename)) return null;
    const owner = ownerUid ?? (await this.index.ownerOf(filename));
    return owner ? this.index.get(owner, filename) : null;
  }

  open(record: GalleryRecord, variant: GalleryVariant): Promise<StoredObject | null> {
    const key =
      variant === 'thumbnail'
        ? galleryKeys.thumbnail(record.owner_uid, record.filename)
        : galleryKeys.image(record.owner_uid, record.filename);
    return this.objects.open(key);
  }

  async delete(record: Pick<GalleryRecord, 'owner_uid' | 'filename'>): Promise<void> {
    const { owner_uid: u, filename: f } = record;
    await this.objects.delete([galleryKeys.meta(u, f), galleryKeys.image(u, f), galleryKeys.thumbnail(u, f)]);
    await this.index.remove(u, f);
  }
}
