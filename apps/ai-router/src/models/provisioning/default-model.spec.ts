import { DEFAULT_CHAT_MODEL, effectiveDefaultModel, fileNameOf } from './default-model';
import { formatProgress } from './progress-bar';

describe('effectiveDefaultModel', () => {
  const pin = { ...DEFAULT_CHAT_MODEL, sha256: 'a'.repeat(64) };

  it('is the pin when nothing is overridden', () => {
    expect(effectiveDefaultModel({ NITRO_DEFAULT_MODEL_URL: '', NITRO_DEFAULT_MODEL_SHA256: '' }, pin)).toEqual(pin);
  });

  it('a mirror URL keeps the pinned digest and says where the name comes from', () => {
    const m = effectiveDefaultModel({ NITRO_DEFAULT_MODEL_URL: 'http://mirror.local/m/x%2Bq.gguf', NITRO_DEFAULT_MODEL_SHA256: '' }, pin);
    expect(m).toMatchObject({
      url: 'http://mirror.local/m/x%2Bq.gguf',
      sha256: pin.sha256,
      name: 'x+q.gguf (from NITRO_DEFAULT_MODEL_URL)',
      licence: 'as published with the file (custom URL)',
    });
  });

  it('a given digest wins, lower-cased', () => {
    expect(effectiveDefaultModel({ NITRO_DEFAULT_MODEL_URL: '', NITRO_DEFAULT_MODEL_SHA256: 'B'.repeat(64) }, pin).sha256).toBe(
      'b'.repeat(64),
    );
  });

  it('names the file after the last path segment', () => {
    expect(fileNameOf(DEFAULT_CHAT_MODEL.url)).toBe('qwen2.5-0.5b-instruct-q4_k_m.gguf');
  });
});

describe('formatProgress', () => {
  it('draws bar, percent, MB, speed and time left', () => {
    expect(
      formatProgress({ downloadedBytes: 245_500_000, totalBytes: 491_000_000, bytesPerSecond: 10_000_000, etaSeconds: 24.55 }, 10),
    ).toBe('[#####.....]  50.0% 245.5/491.0 MB 10.0 MB/s 25 s left');
    expect(formatProgress({ downloadedBytes: 0, totalBytes: 0, bytesPerSecond: 0, etaSeconds: null }, 4)).toBe(
      '[....]   0.0% 0.0/0.0 MB 0.0 MB/s',
    );
  });
});
