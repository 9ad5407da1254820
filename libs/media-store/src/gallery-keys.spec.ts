import { galleryFilename, galleryKeys, isGalleryFilename, jobIdOf, parseGalleryKey } from './gallery-keys';

describe('gallery names and keys', () => {
  const job = 'img-0123456789abcdef01234567';

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

  it('builds keys under the owner, and reads them back', () => {
    const f = galleryFilename(job, 1);
    expect(galleryKeys.image('ann', f)).toBe(`users/ann/images/${job}-1.png`);
    expect(galleryKeys.thumbnail('ann', f)).toBe(`users/ann/thumbs/${job}-1.webp`);
    expect(galleryKeys.meta('ann', f)).toBe(`users/ann/meta/${job}-1.json`);
    for (const [kind, key] of [
      ['image', galleryKeys.image('ann', f)],
      ['thumbnail', galleryKeys.thumbnail('ann', f)],
      ['meta', galleryKeys.meta('ann', f)],
    ]) {
      expect(parseGalleryKey(key)).toEqual({ userId: 'ann', filename: f, kind });
    }
    expect(jobIdOf(f)).toBe(job);
  });

  it('ignores keys it did not write', () => {
    for (const key of [
      'users/ann/notes.txt',
      `users/ann/images/${job}-1.webp`,
      `users/../images/${job}-1.png`,
      `other/ann/images/${job}-1.png`,
    ])
      expect(parseGalleryKey(key)).toBeNull();
  });
});
