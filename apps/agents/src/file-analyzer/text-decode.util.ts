// The decoder is shared with the gateway's chat attachments (one way to turn bytes into text): it lives in service-kit.
export { decodeText, type DecodedText } from '@nitro/service-kit';
