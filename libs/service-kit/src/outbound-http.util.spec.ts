import { networkReason, parseRetryAfter, urlHost } from './outbound-http.util';

describe('outbound HTTP helpers', () => {
  it('names network failures', () => {
    expect(networkReason({ cause: { code: 'ECONNREFUSED' } })).toBe('connection refused');
    expect(networkReason({ cause: { code: 'ENOTFOUND' } })).toBe('host name does not resolve');
    expect(networkReason(new Error('boom'))).toBe('boom');
  });

  it('keeps only the host of a URL', () => {
    expect(urlHost('https://api.example.com:8443/v1/x?key=secret')).toBe('api.example.com:8443');
    expect(urlHost('not a url')).toBe('not a url');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter(new Date(1_000_000 + 5000).toUTCString(), 1_000_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
