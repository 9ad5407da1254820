import { GALLERY_FILENAME_PATTERN } from '@nitro/contracts';

/**
 * Where each piece of an image lives. Names are issued by the media service only
 * (`<job id>-<n>.png`), so a download never takes a path from the user: the name is checked
 * against GALLERY_FILENAME_PATTERN and its owner is looked up in Redis before any key is built.
 */
export const galleryKeys = {
  image: (userId: string, filename: string) => `users/${userId}/images/${filename}`,
  thumbnail: (userId: string, filename: string) => `users/${userId}/thumbs/${stem(filename)}.webp`,
  meta: (userId: string, filename: string) => `users/${userId}/meta/${stem(filename)}.json`,
  /** Every object of every user starts with this (the repair sweep lists it). */
  root: 'users/',
} as const;

/** Redis: a sorted set per user (score = creation time, newest first) and one JSON record per image. */
export const galleryRedisKeys = {
  userIndex: (userId: string) => `nitro:gallery:user:${userId}`,
  item: (filename: string) => `nitro:gallery:item:${filename}`,
  itemPattern: 'nitro:gallery:item:*',
  userIndexPattern: 'nitro:gallery:user:*',
  sweepLock: 'nitro:gallery:sweep-lock',
} as const;

export function isGalleryFilename(name: unknown): name is string {
  return typeof name === 'string' && GALLERY_FILENAME_PATTERN.test(name);
}

export function galleryFilename(jobId: string, index: number): string {
  return `${jobId}-${index}.png`;
}

/** The job a file came from ("img-…-0.png" -> "img-…"). */
export function jobIdOf(filename: string): string {
  return filename.replace(/-\d\.png$/, '');
}

function stem(filename: string): string {
  return filename.replace(/\.png$/, '');
}

/** Parses an object key back into its owner and file name; null for anything we did not write. */
export function parseGalleryKey(key: string): { userId: string; filename: string; kind: 'image' | 'thumbnail' | 'meta' } | null {
  const m = /^users\/([A-Za-z0-9_-]{1,64})\/(images|thumbs|meta)\/(img-[0-9a-f]{24}-[0-3])\.(png|webp|json)$/.exec(key);
  if (!m) return null;
  const kind = m[2] === 'images' ? 'image' : m[2] === 'thumbs' ? 'thumbnail' : 'meta';
  const ext = { image: 'png', thumbnail: 'webp', meta: 'json' }[kind];
  if (m[4] !== ext) return null;
  return { userId: m[1], filename: `${m[3]}.png`, kind };
}
