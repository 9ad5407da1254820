import { createHash } from 'node:crypto';

/** Palettes by style preset (hue bases and saturation); unknown or no style uses the prompt's hash. */
const STYLE_PALETTES: Record<string, { sat: number; light: number }> = {
  'neon-punk': { sat: 95, light: 55 },
  'line-art': { sat: 10, light: 70 },
  'pixel-art': { sat: 80, light: 50 },
  photographic: { sat: 35, light: 45 },
  cinematic: { sat: 45, light: 35 },
  'analog-film': { sat: 30, light: 55 },
};

/** mulberry32: a small, fast PRNG whose sequence depends only on the 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Prompt and seed together pick the PRNG state, so either one changes the picture. */
export function artSeed(prompt: string, seed: number): number {
  return createHash('sha256').update(`${seed}\u0000${prompt.trim().toLowerCase()}`).digest().readUInt32BE(0);
}

/**
 * Draws an abstract composition as SVG: a two-colour gradient sky, soft "sun" circles, layered
 * wave hills and scattered shapes, all positions and colours from the seeded PRNG. No text and no
 * fonts, so the rendering is the same on every machine with the same librsvg.
 */
export function proceduralSvg(prompt: string, seed: number, width: number, height: number, style?: string): string {
  const rnd = seededRandom(artSeed(prompt, seed));
  const palette = (style && STYLE_PALETTES[style]) || { sat: 55 + rnd() * 35, light: 45 + rnd() * 15 };
  const hue = rnd() * 360;
  const color = (dh: number, dl = 0, alpha = 1) =>
    `hsla(${((hue + dh) % 360).toFixed(1)},${palette.sat.toFixed(1)}%,${Math.max(5, Math.min(92, palette.light + dl)).toFixed(1)}%,${alpha.toFixed(2)})`;
  const n = (v: number) => v.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="${n(rnd())}" y2="1"><stop offset="0" stop-color="${color(0, 25)}"/><stop offset="1" stop-color="${color(40 + rnd() * 60, -15)}"/></linearGradient></defs>`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="url(#sky)"/>`);
  for (let i = 0, suns = 1 + Math.floor(rnd() * 3); i < suns; i++) {
    parts.push(
      `<circle cx="${n(rnd() * width)}" cy="${n(rnd() * height * 0.5)}" r="${n((0.05 + rnd() * 0.15) * Math.min(width, height))}" fill="${color(180 + rnd() * 40, 30, 0.85)}"/>`,
    );
  }
  for (let layer = 0, layers = 2 + Math.floor(rnd() * 3); layer < layers; layer++) {
    const base = height * (0.55 + (layer / layers) * 0.35);
    const amp = height * (0.04 + rnd() * 0.08);
    const waves = 1 + rnd() * 3;
    const phase = rnd() * Math.PI * 2;
    let d = `M0 ${n(height)} L0 ${n(base)}`;
    for (let x = 0; x <= width; x += Math.max(4, width / 48))
      d += ` L${n(x)} ${n(base + Math.sin((x / width) * Math.PI * 2 * waves + phase) * amp)}`;
    parts.push(`<path d="${d} L${width} ${n(height)} Z" fill="${color(120 + layer * 25, -10 - layer * 8, 0.9)}"/>`);
  }
  for (let i = 0, shapes = 6 + Math.floor(rnd() * 18); i < shapes; i++) {
    const x = rnd() * width;
    const y = rnd() * height;
    const s = (0.02 + rnd() * 0.08) * Math.min(width, height);
    const fill = color(rnd() * 360, rnd() * 30 - 10, 0.35 + rnd() * 0.5);
    const kind = Math.floor(rnd() * 3);
    if (kind === 0) parts.push(`<circle cx="${n(x)}" cy="${n(y)}" r="${n(s)}" fill="${fill}"/>`);
    else if (kind === 1)
      parts.push(
        `<rect x="${n(x - s)}" y="${n(y - s)}" width="${n(s * 2)}" height="${n(s * 2)}" rx="${n(s * 0.3)}" fill="${fill}" transform="rotate(${n(rnd() * 90)} ${n(x)} ${n(y)})"/>`,
      );
    else parts.push(`<polygon points="${n(x)},${n(y - s)} ${n(x + s)},${n(y + s)} ${n(x - s)},${n(y + s)}" fill="${fill}"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}
