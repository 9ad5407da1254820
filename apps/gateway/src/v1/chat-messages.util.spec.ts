import { toCompletionMessages } from './chat-messages.util';
import { sniffImageMime } from './image-parts.util';

/** A 1×1 PNG (the smallest real one: signature, IHDR, IDAT, IEND). */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const part = (url: string) => ({ type: 'image_url', image_url: { url } });
const user = (...content: unknown[]) => [{ role: 'user', content }];
/** The 400's param (details.param) and message, or undefined when it did not throw. */
function refusal(fn: () => unknown): { param?: string; message?: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    const body = (e as { getResponse(): { message: string; details: { param: string } } }).getResponse();
    return { param: body.details.param, message: body.message };
  }
}

describe('toCompletionMessages: image_url parts (/v1)', () => {
  it('maps a data-URL image part of a user message to images, text parts joined, the bytes untouched', () => {
    const out = toCompletionMessages(user({ type: 'text', text: 'What is this?' }, part(`data:image/png;base64,${PNG}`)), 1000);
    expect(out).toEqual([{ role: 'user', content: 'What is this?', images: [{ mime: 'image/png', data: PNG }] }]);
    expect(Buffer.from(out[0].images![0].data, 'base64')).toEqual(Buffer.from(PNG, 'base64'));
    expect(toCompletionMessages([{ role: 'user', content: 'plain' }], 1000)[0]).not.toHaveProperty('images');
  });

  it.each([
    ['a remote http URL (SSRF)', 'http://169.254.169.254/latest/meta-data', /remote image URLs are not fetched.*SSRF/],
    ['a remote https URL', 'https://example.com/cat.png', /remote image URLs are not fetched/],
    ['not a data URL', 'file:///etc/passwd', /must be a base64 data URL/],
    [
      'a type outside the allow-list',
      `data:image/svg+xml;base64,${PNG}`,
      /is image\/svg\+xml; an image must be one of: image\/png, image\/jpeg/,
    ],
    ['bad base64', 'data:image/png;base64,iVBOR*w0K', /does not hold valid base64/],
    ['bytes that are not the declared type', `data:image/jpeg;base64,${PNG}`, /says image\/jpeg but its bytes are image\/png/],
  ])('refuses %s with a 400 naming messages[i].content[j].image_url.url', (_name, url, message) => {
    const r = refusal(() =>
      toCompletionMessages([{ role: 'system', content: 's' }, ...user({ type: 'text', text: 'hi' }, part(url))], 1000),
    );
    expect(r).toEqual({ param: 'messages[1].content[1].image_url.url', message: expect.stringMatching(message) });
    expect(r!.message).toMatch(/^messages\[1\]\.content\[1\]\.image_url\.url/);
  });

  it('refuses an image over the byte cap, in a non-user message, a missing url, and more than 4 in a request', () => {
    expect(refusal(() => toCompletionMessages(user(part(`data:image/png;base64,${PNG}`)), 1000, 10))).toEqual({
      param: 'messages[0].content[0].image_url.url',
      message: expect.stringMatching(/image of 70 bytes; at most 10 \(CHAT_ATTACHMENT_MAX_IMAGE_BYTES\)/),
    });
    expect(refusal(() => toCompletionMessages([{ role: 'assistant', content: [part(`data:image/png;base64,${PNG}`)] }], 1000))).toEqual({
      param: 'messages[0].content[0]',
      message: expect.stringMatching(/only user messages may carry image_url parts/),
    });
    expect(refusal(() => toCompletionMessages(user({ type: 'image_url' }), 1000))?.param).toBe('messages[0].content[0].image_url.url');
    const three = user(...Array.from({ length: 3 }, () => part(`data:image/png;base64,${PNG}`)));
    expect(toCompletionMessages([...three, ...three.map((m) => ({ ...m, content: m.content.slice(0, 1) }))], 1000)).toHaveLength(2);
    expect(refusal(() => toCompletionMessages([...three, { role: 'assistant', content: 'ok' }, ...three], 1000))).toEqual({
      param: 'messages[2].content',
      message: expect.stringMatching(/at most 4 images in all/),
    });
  });

  it('sniffs the four image types from their first bytes', () => {
    expect(sniffImageMime(Buffer.from(PNG, 'base64'))).toBe('image/png');
    expect(sniffImageMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageMime(Buffer.from('GIF89a', 'latin1'))).toBe('image/gif');
    expect(sniffImageMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImageMime(Buffer.from('BM\0\0'))).toBeUndefined();
  });
});

describe('toCompletionMessages: message fields', () => {
  it("refuses a name that is not a string, naming it; ignores fields of OpenAI's responses sent back", () => {
    expect(() => toCompletionMessages([{ role: 'user', content: 'hi', name: 5 }], 1000)).toThrow(/messages\[0\]\.name must be a string/);
    const back = { role: 'assistant', content: 'Hello', refusal: null, annotations: [] };
    expect(toCompletionMessages([{ role: 'user', content: 'hi', name: 'ann' }, back], 1000)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });
});
