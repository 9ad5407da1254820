import { HttpException, Inject, Injectable, NotFoundException, ServiceUnavailableException, StreamableFile } from '@nestjs/common';
import type { GalleryDeletedDto, GalleryPageDto, GalleryRecord } from '@nitro/contracts';
import { GALLERY_STORE, GalleryStore, GalleryVariant } from '@nitro/media-store';
import { AuthUser, assertCanAccess } from '../auth/auth-user';
import { UserUids } from '../users/user-uids.service';
import { toGalleryItem } from './image-urls';

/**
 * The gallery at the edge: listing from the Redis index, downloads streamed from S3 straight to
 * the client (bytes never ride the service transport), deletes in GalleryStore's safe order.
 * A file name is only ever looked up in the index (after a strict pattern check): an unknown
 * name, a traversal attempt and another user's image are all the same 404. Ownership is the account's
 * uid (UserUids), never the username: an account that took a username freed by lost data sees nothing
 * of the old account's images.
 */
@Injectable()
export class GalleryService {
  constructor(
    @Inject(GALLERY_STORE) private readonly gallery: GalleryStore,
    private readonly uids: UserUids,
  ) {}

  async page(user: AuthUser, userId: string, offset: number, limit: number): Promise<GalleryPageDto> {
    assertCanAccess(user, userId);
    const { total, records } = await this.gallery.page(await this.uids.of(userId), offset, limit);
    const next = offset + limit < total ? offset + limit : null;
    return { user_id: userId, items: records.map(toGalleryItem), total, offset, limit, next_offset: next };
  }

  async download(user: AuthUser, filename: string, variant: GalleryVariant): Promise<StreamableFile> {
    const record = await this.owned(filename, user);
    const object = await storage('reading the image', () => this.gallery.open(record, variant));
    if (!object) throw notFound(filename);
    const name = variant === 'thumbnail' ? filename.replace(/\.png$/, '.webp') : filename;
    return new StreamableFile(object.body, {
      type: object.contentType,
      length: object.contentLength,
      disposition: `inline; filename="${name}"`,
    });
  }

  async remove(user: AuthUser, userId: string, filename: string): Promise<GalleryDeletedDto> {
    assertCanAccess(user, userId);
    const ownerUid = await this.uids.of(userId);
    const record = await this.gallery.find(filename, ownerUid);
    if (!record || record.owner_uid !== ownerUid) throw notFound(filename);
    await storage('deleting the image', () => this.gallery.delete(record));
    return { filename, deleted: true };
  }

  private async owned(filename: string, user: AuthUser): Promise<GalleryRecord> {
    if (!user) throw notFound(filename);
    // A user looks in their own gallery only (their slot); an admin follows the file's owner pointer.
    const ownerUid = user.role === 'admin' ? undefined : await this.uids.of(user.id);
    const record = await this.gallery.find(filename, ownerUid);
    if (!record || (ownerUid && record.owner_uid !== ownerUid)) throw notFound(filename);
    return record;
  }
}

/** S3 unreachable or failing is "try again later" (503), not a bug of ours (500). */
async function storage<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw new ServiceUnavailableException({
      error: 'STORAGE_UNAVAILABLE',
      message: `${what} failed: the gallery storage (S3) is not answering (${(err as Error).name ?? 'error'})`,
    });
  }
}

function notFound(filename: string): NotFoundException {
  return new NotFoundException({ error: 'NOT_FOUND', message: `no image ${JSON.stringify(filename.slice(0, 80))} in your gallery` });
}
