import sharp from 'sharp';
import exifReader from 'exif-reader';
import { ServiceError } from '@nitro/service-kit';
import { withTimeout } from './with-timeout.util';

/** EXIF values as JSON: dates as ISO strings, binary blobs as short hex or their size. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.length <= 32 ? value.toString('hex') : `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.slice(0, 32).map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  if (typeof value === 'string') return value.replace(/\0+$/, '').slice(0, 500);
  return value;
}

function readExif(raw?: Buffer): Record<string, unknown> | undefined {
  if (!raw?.length) return undefined;
  try {
    const { bigEndian: _order, ...groups } = exifReader(raw) as unknown as Record<string, unknown>;
    return jsonSafe(groups) as Record<string, unknown>;
  } catch (err) {
    return { error: `EXIF present but unreadable: ${(err as Error).message}` };
  }
}

/** Format, size and EXIF from the header only (sharp's metadata does not decode the pixels). */
export async function readImage(bytes: Buffer, timeoutMs: number) {
  try {
    const m = await withTimeout(sharp(bytes, { failOn: 'none' }).metadata(), timeoutMs, 'reading the image');
    const exif = readExif(m.exif);
    return {
      format: m.format,
      width: m.width,
      height: m.height,
      channels: m.channels,
      color_space: m.space,
      bit_depth: m.depth,
      has_alpha: m.hasAlpha,
      density_dpi: m.density,
      orientation: m.orientation,
      pages: m.pages,
      exif,
      has_gps: !!exif && 'GPSInfo' in exif,
      has_icc_profile: !!m.icc,
    };
  } catch (err) {
    if (err instanceof ServiceError) throw err;
    throw new ServiceError(422, 'UNREADABLE_FILE', `the file starts like an image but cannot be read: ${(err as Error).message}`);
  }
}
