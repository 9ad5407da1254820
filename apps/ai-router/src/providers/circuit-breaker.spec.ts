import { CircuitBreaker, CircuitState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const changes: CircuitState[] = [];
  const make = () => new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => now, onStateChange: (s) => changes.push(s) });
  beforeEach(() => {
    now = 0;
    changes.length = 0;
  });

  it('stays closed below the threshold and resets the count on success', () => {
    const cb = make();
    cb.onFailure();
    cb.onFailure();
    cb.onSuccess();
    cb.onFailure();
    cb.onFailure();
    expect(cb.tryAcquire()).toBe(true);
    expect(cb.snapshot().state).toBe('closed');
  });

  it('opens after N consecutive failures and skips until the cooldown passed', () => {
    const cb = make();
    for (let i = 0; i < 3; i++) cb.onFailure();
    expect(cb.snapshot()).toEqual({ state: 'open', failures: 3, retryInMs: 1000 });
    now = 999;
    expect(cb.tryAcquire()).toBe(false);
    expect(changes).toEqual(['open']);
  });

  it('lets exactly one probe through when half-open; success closes', () => {
    const cb = make();
    for (let i = 0; i < 3; i++) cb.onFailure();
    now = 1000;
    expect(cb.tryAcquire()).toBe(true);
    expect(cb.snapshot().state).toBe('half_open');
    expect(cb.tryAcquire()).toBe(false); // a second request while the probe runs
    cb.onSuccess();
    expect(cb.snapshot()).toEqual({ state: 'closed', failures: 0 });
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('re-opens for another cooldown when the probe fails', () => {
    const cb = make();
    for (let i = 0; i < 3; i++) cb.onFailure();
    now = 1500;
    expect(cb.tryAcquire()).toBe(true);
    cb.onFailure();
    expect(cb.snapshot().state).toBe('open');
    now = 2400;
    expect(cb.tryAcquire()).toBe(false);
    now = 2500;
    expect(cb.tryAcquire()).toBe(true);
  });

  it('frees the probe slot on a neutral outcome without closing', () => {
    const cb = make();
    for (let i = 0; i < 3; i++) cb.onFailure();
    now = 1000;
    expect(cb.tryAcquire()).toBe(true);
    cb.onNeutral();
    expect(cb.snapshot().state).toBe('half_open');
    expect(cb.tryAcquire()).toBe(true);
  });
});
