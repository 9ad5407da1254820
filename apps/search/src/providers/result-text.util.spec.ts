import { clockSeconds, formatDuration, htmlToText, httpUrl, isoDate, isoDurationSeconds, sourceOf } from './result-text.util';

describe('result text helpers', () => {
  it('strips markup and decodes entities', () => {
    expect(htmlToText('<b>Redis</b> &amp; <strong>streams</strong>&#39;  ok ')).toBe("Redis & streams' ok");
    expect(htmlToText(undefined)).toBe('');
  });

  it('accepts http(s) URLs only', () => {
    expect(httpUrl('https://a.example/x')).toBe('https://a.example/x');
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('data:text/html,x')).toBeUndefined();
    expect(httpUrl(42)).toBeUndefined();
  });

  it('source is the host without www', () => {
    expect(sourceOf('https://www.redis.io/docs')).toBe('redis.io');
  });

  it('normalises dates', () => {
    expect(isoDate('2025-06-23T00:00:00.0000000')).toBe('2025-06-23T00:00:00.000Z');
    expect(isoDate(1_700_000_000)).toBe('2023-11-14T22:13:20.000Z');
    expect(isoDate('yesterday-ish')).toBeNull();
    expect(isoDate(null)).toBeNull();
  });

  it('reads and formats durations', () => {
    expect(isoDurationSeconds('PT4M13S')).toBe(253);
    expect(isoDurationSeconds('P1DT1S')).toBe(86_401);
    expect(isoDurationSeconds('PT')).toBeNull();
    expect(clockSeconds('1:02:03')).toBe(3723);
    expect(clockSeconds(61.4)).toBe(61);
    expect(clockSeconds('ten')).toBeNull();
    expect(formatDuration(253)).toBe('4:13');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBeNull();
  });
});
