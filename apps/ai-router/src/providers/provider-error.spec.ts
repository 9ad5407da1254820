import { kindForStatus, networkFailure, ProviderError } from './provider-error';

describe('provider failure classification', () => {
  it('maps HTTP statuses to kinds', () => {
    expect([429, 500, 503, 401, 403, 404, 400, 422].map(kindForStatus)).toEqual([
      'rate_limited',
      'server',
      'server',
      'config',
      'config',
      'config',
      'client',
      'client',
    ]);
  });

  it('recognises undici network failures', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    expect(networkFailure(refused)).toEqual({ kind: 'connection', detail: 'ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)' });
    expect(networkFailure(Object.assign(new TypeError('fetch failed'), { cause: { message: 'bad port' } }))).toEqual({
      kind: 'connection',
      detail: 'fetch failed: bad port',
    });
    expect(networkFailure(new TypeError('terminated'))).toEqual({ kind: 'broken_stream', detail: 'connection closed mid-answer' });
    expect(networkFailure(new Error('something else'))).toBeUndefined();
  });

  it('counts only the provider’s own failures toward its circuit', () => {
    expect(new ProviderError('ollama', 'server', 'x').countsForCircuit).toBe(true);
    expect(new ProviderError('ollama', 'config', 'x').countsForCircuit).toBe(true);
    expect(new ProviderError('ollama', 'client', 'x').countsForCircuit).toBe(false);
    expect(new ProviderError('ollama', 'aborted', 'x').countsForCircuit).toBe(false);
  });
});
