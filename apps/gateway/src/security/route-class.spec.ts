import { GatewayEnv } from '@nitro/config';
import { bodyLimitOf, capabilityOf, isAlwaysPublic, rateClassOf, rateLimitOf, uploadLimitOf } from './route-class';

describe('route classes', () => {
  const env = Object.assign(new GatewayEnv(), {
    RATE_LIMIT_CHAT: 7,
    RATE_LIMIT_AUTH: 3,
    RATE_LIMIT_DEFAULT: 99,
    BODY_LIMIT_SEARCH: 2048,
    VOICE_MAX_UPLOAD_BYTES: 1000,
  });

  it.each([
    ['POST', '/chat', 'chat'],
    ['POST', '/chat/stream', 'chat'],
    ['POST', '/v1/chat/completions', 'chat'],
    ['POST', '/generate-image', 'image'],
    ['POST', '/voice/transcribe', 'voice'],
    ['POST', '/search/stream', 'search'],
    ['POST', '/video/search', 'search'],
    ['POST', '/agent/code-review', 'agents'],
    ['POST', '/auth/login', 'auth'],
    ['POST', '/auth/register', 'auth'],
    ['POST', '/auth/refresh', 'auth'],
    ['POST', '/auth/api-keys', 'default'],
    ['GET', '/chat/history/:user_id', 'default'],
    ['DELETE', '/chat/clear/:user_id', 'chat'],
    ['POST', '/chatter', 'default'],
  ])('%s %s spends the %s budget', (method, path, cls) => {
    expect(rateClassOf(method, path)).toBe(cls);
  });

  it.each([['/health'], ['/health/ready'], ['/metrics'], ['/docs'], ['/docs-json'], ['/']])('%s is never rate limited', (path) => {
    expect(rateClassOf('GET', path)).toBeNull();
  });

  it('keeps probes public but nothing that merely starts like them', () => {
    expect(isAlwaysPublic('/health')).toBe(true);
    expect(isAlwaysPublic('/health/ready')).toBe(true);
    expect(isAlwaysPublic('/healthz')).toBe(false);
    expect(isAlwaysPublic('/health/ready/x')).toBe(false);
  });

  it('reads budgets and limits from config', () => {
    expect(rateLimitOf(env, 'chat')).toBe(7);
    expect(rateLimitOf(env, 'auth')).toBe(3);
    expect(rateLimitOf(env, 'default')).toBe(99);
    expect(bodyLimitOf(env, '/search')).toBe(2048);
    expect(bodyLimitOf(env, '/unknown')).toBe(env.JSON_BODY_LIMIT);
    expect(uploadLimitOf(env, '/voice/transcribe')).toBe(1000 + 64 * 1024);
    expect(uploadLimitOf(env, '/gallery/upload')).toBe(env.UPLOAD_MAX_BYTES + 64 * 1024);
    expect(capabilityOf('/agents/x')).toBe('agents');
  });
});
