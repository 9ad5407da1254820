import { assertContentType } from './content-type.check';

describe('assertContentType', () => {
  const upload = ['multipart/form-data'];

  it.each([
    ['application/json', undefined],
    ['application/json; charset=utf-8', undefined],
    ['application/merge-patch+json', undefined],
    ['multipart/form-data; boundary=x', upload],
    ['application/json', upload],
    [undefined, undefined],
  ])('lets %s through (consumes %j)', (type, consumes) => {
    expect(() => assertContentType(type, consumes)).not.toThrow();
  });

  it.each([
    ['application/x-www-form-urlencoded', undefined, /application\/json/],
    ['multipart/form-data; boundary=x', undefined, /application\/json/],
    ['text/plain', upload, /multipart\/form-data/],
    ['application/jsonp', undefined, /application\/json/],
    ['application/json-evil', undefined, /application\/json/],
  ])('refuses %s with a 400 naming the expected type', (type, consumes, expected) => {
    try {
      assertContentType(type, consumes);
      throw new Error('accepted');
    } catch (err) {
      expect((err as { getStatus(): number }).getStatus()).toBe(400);
      expect(JSON.stringify((err as { getResponse(): unknown }).getResponse())).toMatch(expected);
    }
  });
});
