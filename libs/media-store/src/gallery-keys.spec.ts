import {
  galleryFilename,
  galleryKeys,
  galleryRedisKeys,
  isGalleryFilename,
  jobIdOf,
  parseGalleryItemKey,
  parseGalleryKey,
} from './gallery-keys';

describe('gallery names and keys', () => {
  const job = 'img-0123456789abcdef01234567';
  const uid = '0190f5a2-7c1e-4b8a-9d3f-2a6b8c0d1e4f';

  it('accepts only names the service issues', () => {
    expect(isGalleryFilename(galleryFilename(job, 3))).toBe(true);
    for (const bad of [
      '../../etc/passwd',
      `/abs/${job}-0.png`,
      `${job}-0.png/../x`,
      `${job}-4.png`,
      `${job}-0.PNG`,
      `${job}-0.webp`,
      `${job}-0.png\u0000`,
      'img-XYZ-0.png',
      '',
      undefined,
      42,
    ]) {
      expect(isGalleryFilename(bad)).toBe(false);
    }
  });

  it("builds keys under the owner's uid, and reads them back", () => {
    const f = galleryFilename(job, 1);
    expect(galleryKeys.image(uid, f)).toBe(`users/${uid}/images/${job}-1.png`);
    expect(galleryKeys.thumbnail(uid, f)).toBe(`users/${uid}/thumbs/${job}-1.webp`);
    expect(galleryKeys.meta(uid, f)).toBe(`users/${uid}/meta/${job}-1.json`);
    // One hash-tag slot per owner (Redis Cluster): the index and every item of one owner.
    expect(galleryRedisKeys.ownerIndex(uid)).toBe(`nitro:gallery:{g:${uid}}:index`);
    expect(galleryRedisKeys.item(uid, f)).toBe(`nitro:gallery:{g:${uid}}:item:${f}`);
    expect(parseGalleryItemKey(galleryRedisKeys.item(uid, f))).toEqual({ ownerUid: uid, filename: f });
    expect(parseGalleryItemKey(`nitro:gallery:{g:alice}:item:${f}`)).toBeNull();
    expect(parseGalleryItemKey(galleryRedisKeys.ownerIndex(uid))).toBeNull();
    for (const [kind, key] of [
      ['image', galleryKeys.image(uid, f)],
      ['thumbnail', galleryKeys.thumbnail(uid, f)],
      ['meta', galleryKeys.meta(uid, f)],
    ]) {
      expect(parseGalleryKey(key)).toEqual({ ownerUid: uid, filename: f, kind });
    }
    expect(jobIdOf(f)).toBe(job);
  });

  it('refuses to build a key for an owner that is not a uid (a username, undefined, a path)', () => {
    const f = galleryFilename(job, 0);
    for (const owner of ['alice', 'ALICE', uid.toUpperCase(), `${uid}/..`, '..', '', undefined as unknown as string]) {
      expect(() => galleryKeys.image(owner, f)).toThrow(/must be a user uid/);
      expect(() => galleryKeys.meta(owner, f)).toThrow(/must be a user uid/);
      expect(() => galleryRedisKeys.ownerIndex(owner)).toThrow(/must be a user uid/);
      expect(() => galleryRedisKeys.item(owner, f)).toThrow(/must be a user uid/);
    }
  });

  it('ignores keys it did not write, including objects under a username (the layout before uids)', () => {
    for (const key of [
      `users/${uid}/notes.txt`,
      `users/${uid}/images/${job}-1.webp`,
      `users/../images/${job}-1.png`,
      `other/${uid}/images/${job}-1.png`,
      `users/ann/images/${job}-1.png`,
      `users/${uid.toUpperCase()}/images/${job}-1.png`,
      `users/${uid}x/images/${job}-1.png`,
    ])
      expect(parseGalleryKey(key)).toBeNull();
  });
});
