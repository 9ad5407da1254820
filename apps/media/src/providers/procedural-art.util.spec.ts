import sharp from 'sharp';
import { artSeed, proceduralSvg, seededRandom } from './procedural-art.util';
import { renderProcedural } from './procedural.image-provider';
import { closestAspectRatio } from './stability.image-provider';
import { supportedSize } from './openai-images.image-provider';

describe('procedural art', () => {
  it('the PRNG is a pure function of its seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(8)()).not.toBe(xs[0]);
  });

  it('prompt and seed both change the picture; case and outer spaces of the prompt do not', () => {
    expect(artSeed('A Fox ', 1)).toBe(artSeed('a fox', 1));
    expect(artSeed('a fox', 1)).not.toBe(artSeed('a fox', 2));
    expect(artSeed('a fox', 1)).not.toBe(artSeed('a cat', 1));
    expect(proceduralSvg('a fox', 1, 64, 64)).toBe(proceduralSvg('a fox', 1, 64, 64));
    expect(proceduralSvg('a fox', 1, 64, 64)).not.toBe(proceduralSvg('a fox', 2, 64, 64));
  });

  it('draws an SVG of the requested size without text (no fonts: same output everywhere)', () => {
    const svg = proceduralSvg('a lighthouse', 3, 320, 200, 'neon-punk');
    expect(svg).toMatch(/^<svg [^>]*width="320" height="200"/);
    expect(svg).not.toMatch(/<text/);
  });

  it('renders to a PNG of exactly that size, byte-identical for the same input', async () => {
    const [a, b] = await Promise.all([renderProcedural('sea', 9, 96, 64), renderProcedural('sea', 9, 96, 64)]);
    expect(a.equals(b)).toBe(true);
    expect(await sharp(a).metadata()).toMatchObject({ format: 'png', width: 96, height: 64 });
  });
});

describe('vendor size mapping', () => {
  it.each([
    [1024, 1024, '1:1'],
    [768, 512, '3:2'],
    [512, 768, '2:3'],
    [1536, 640, '21:9'],
    [640, 1536, '9:21'],
    [1024, 576, '16:9'],
  ])('Stability aspect ratio for %ix%i is %s', (w, h, ratio) => {
    expect(closestAspectRatio(w, h)).toBe(ratio);
  });

  it.each([
    ['dall-e-2', 768, 512, [512, 512]],
    ['dall-e-2', 1536, 1536, [1024, 1024]],
    ['dall-e-3', 512, 896, [1024, 1792]],
    ['gpt-image-1', 1024, 640, [1536, 1024]],
    ['stablediffusion', 200, 104, [200, 104]],
  ])('%s draws %ix%i as %j', (model, w, h, size) => {
    expect(supportedSize(model as string, w as number, h as number)).toEqual(size);
  });
});
