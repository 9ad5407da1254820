import { CHAT_IMAGE_MIMES, isChatImageMime, type ChatImageDto, type ChatImageMime } from '@nitro/contracts';
import { invalid } from './invalid.util';

/** `data:<mime>;base64,<data>` (RFC 2397), the only image URL taken: parameters between the type and base64 are allowed. */
const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)(?:;[a-z0-9-]+=[^;,]*)*;base64,([\s\S]*)$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What the first bytes say the image is (the four types a chat image may be), or undefined. */
export function sniffImageMime(bytes: Buffer): ChatImageMime | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP')
    return 'image/webp';
  return undefined;
}

/**
 * An OpenAI image content part (`{ "type": "image_url", "image_url": { "url": "data:image/png;base64,…" } }`,
 * https://platform.openai.com/docs/api-reference/chat/create) as a ChatImageDto. Only data URLs: a remote http(s)
 * URL is refused, because fetching what a caller names from inside the server is a request forgery risk (SSRF).
 * `detail` is accepted and ignored. @throws 400 naming `<param>.image_url.url` (remote URL, not a data URL, a type
 * other than PNG/JPEG/WebP/GIF, bad base64, bytes that are not the declared type, over `maxBytes`).
 */
export function imageFromPart(part: { image_url?: unknown }, param: string, maxBytes: number): ChatImageDto {
  const at = `${param}.image_url.url`;
  const url = (part.image_url as { url?: unknown } | null | undefined)?.url;
  if (typeof url !== 'string') throw invalid(at, `${at} must be a string (a data: URL such as data:image/png;base64,…)`);
  if (/^https?:/i.test(url))
    throw invalid(
      at,
      `${at}: remote image URLs are not fetched (the server does not download addresses it is given: SSRF); send the image inline as data:image/png;base64,…`,
    );
  const m = DATA_URL.exec(url);
  if (!m) throw invalid(at, `${at} must be a base64 data URL (data:<type>;base64,<data>)`);
  const mime = m[1].toLowerCase();
  if (!isChatImageMime(mime)) throw invalid(at, `${at} is ${mime}; an image must be one of: ${CHAT_IMAGE_MIMES.join(', ')}`);
  const data = m[2].replace(/\s+/g, '');
  if (!data || !BASE64.test(data)) throw invalid(at, `${at} does not hold valid base64 after "base64,"`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > maxBytes)
    throw invalid(at, `${at} is an image of ${bytes.length} bytes; at most ${maxBytes} (CHAT_ATTACHMENT_MAX_IMAGE_BYTES)`);
  const actual = sniffImageMime(bytes);
  if (actual !== mime) throw invalid(at, `${at} says ${mime} but its bytes are ${actual ?? 'not an image of a supported type'}`);
  return { mime, data };
}
