import { GALLERY_FILENAME_PATTERN, isUserUid, USER_UID_PATTERN } from '@nitro/contracts';

/**
 * Where each piece of an image lives. Objects are keyed by the owner's immutable uid (USER_UID_PATTERN,
 * made at sign-up), never by the username: after Redis loses its accounts, a new account with an old
 * username gets a new uid, so neither the repair sweep nor a listing can hand it the old account's images.
 * Names are issued by the media service only (`<job id>-<n>.png`), so a download never takes a path from
 * the user: the name is checked against GALLERY_FILENAME_PATTERN and its owner is looked up in Redis
 * before any key is built. Every builder throws on an owner that is not a uid (a username passed by
 * mistake, `undefined` from old job data): no object can be written under a guessable prefix.
 */
export const galleryKeys = {
  image: (ownerUid: string, filename: string) => `users/${owner(ownerUid)}/images/${filename}`,
  thumbnail: (ownerUid: string, filename: string) => `users/${owner(ownerUid)}/thumbs/${stem(filename)}.webp`,
  meta: (ownerUid: string, filename: string) => `users/${owner(ownerUid)}/meta/${stem(filename)}.json`,
  /** Every object of every owner starts with this (the repair sweep lists it). */
  root: 'users/',
} as const;

/**
 * Redis (ADR 0009). Per owner uid, in one hash-tag slot `{g:<uid>}` so a Redis Cluster serves them from one
 * node: a sorted set of file names (score = creation time, newest first) and one JSON record per image.
 * The index and an item are written in one MULTI, and a page reads its records in one MGET; both need
 * the same slot. Outside the tag: the owner pointer (file name -> owner uid, single-key reads, for the
 * admin who downloads by file name alone) and the sweep lock.
 */
export const galleryRedisKeys = {
  ownerIndex: (ownerUid: string) => `nitro:gallery:{g:${owner(ownerUid)}}:index`,
  item: (ownerUid: string, filename: string) => `nitro:gallery:{g:${owner(ownerUid)}}:item:${filename}`,
  ownerOf: (filename: string) => `nitro:gallery:owner:${filename}`,
  itemPattern: 'nitro:gallery:{g:*}:item:*',
  ownerIndexPattern: 'nitro:gallery:{g:*}:index',
  sweepLock: 'nitro:gallery:sweep-lock',
} as const;

const ITEM_KEY = /^nitro:gallery:\{g:([^}]+)\}:item:(.+)$/;

/** An item key back into its owner uid and file name (null for anything else). */
export function parseGalleryItemKey(key: string): { ownerUid: string; filename: string } | null {
  const m = ITEM_KEY.exec(key);
  return m && isUserUid(m[1]) ? { ownerUid: m[1], filename: m[2] } : null;
}

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

function owner(ownerUid: string): string {
  if (!isUserUid(ownerUid)) throw new Error(`gallery owner must be a user uid, got ${JSON.stringify(String(ownerUid).slice(0, 80))}`);
  return ownerUid;
}

const UID = USER_UID_PATTERN.source.replace(/^\^|\$$/g, '');
const KEY = new RegExp(`^users/(${UID})/(images|thumbs|meta)/(img-[0-9a-f]{24}-[0-3])\\.(png|webp|json)$`);

/**
 * Parses an object key back into its owner uid and file name; null for anything we did not write
 * (including objects under a username, as stored before uids: they are neither indexed nor deleted).
 */
export function parseGalleryKey(key: string): { ownerUid: string; filename: string; kind: 'image' | 'thumbnail' | 'meta' } | null {
  const m = KEY.exec(key);
  if (!m) return null;
  const kind = m[2] === 'images' ? 'image' : m[2] === 'thumbs' ? 'thumbnail' : 'meta';
  const ext = { image: 'png', thumbnail: 'webp', meta: 'json' }[kind];
  if (m[4] !== ext) return null;
  return { ownerUid: m[1], filename: `${m[3]}.png`, kind };
}
