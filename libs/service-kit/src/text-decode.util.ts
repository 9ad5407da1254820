/**
 * Text from bytes, one policy for the house: the agents' file analyzer and the gateway's chat attachments
 * (POST /chat/attachments) both decode uploads with it.
 */
export interface DecodedText {
  text: string;
  encoding: 'ascii' | 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

/** Share of C0 control characters (other than tab, CR, LF, FF) above which bytes are binary, not text. */
const MAX_CONTROL_SHARE = 0.02;

function controlShare(text: string): number {
  if (!text.length) return 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0x7f) n++;
  }
  return n / text.length;
}

/**
 * Decodes bytes that are text: a BOM decides first, then strict UTF-8 (ASCII when all bytes are
 * below 0x80), then Windows-1252 for legacy files. null when the bytes look binary.
 */
export function decodeText(buf: Buffer): DecodedText | null {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  if (buf.includes(0)) return null; // NUL never appears in 8-bit text
  let decoded: DecodedText;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    decoded = { text, encoding: buf.every((b) => b < 0x80) ? 'ascii' : 'utf-8' };
  } catch {
    decoded = { text: new TextDecoder('windows-1252').decode(buf), encoding: 'windows-1252' };
  }
  return controlShare(decoded.text) > MAX_CONTROL_SHARE ? null : decoded;
}
