import Fastify from 'fastify';
import { of } from 'rxjs';
import { sendSse } from '../common/sse';
import { parseOrigins, registerCors } from './cors.hook';

describe('CORS allow-list', () => {
  const app = Fastify();
  beforeAll(async () => {
    await registerCors(app, parseOrigins('https://app.example.com, http://localhost:5173/'));
    app.post('/chat', async () => ({ ok: true }));
    app.get('/stream', (_req, reply) => sendSse(reply, of({ type: 'token', text: 'hi' }), { keepAliveMs: 60_000 }));
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers an allowed preflight with the methods and headers the API uses', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/chat',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-methods']).toMatch(/DELETE/);
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses a preflight from another origin, naming CORS_ORIGINS', async () => {
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/chat',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'CORS_ORIGIN_NOT_ALLOWED', message: expect.stringMatching(/CORS_ORIGINS/) });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds no CORS header for a foreign origin, and exposes rate-limit headers to an allowed one', async () => {
    const foreign = await app.inject({ method: 'POST', url: '/chat', headers: { origin: 'https://app.example.com.evil.example' } });
    expect(foreign.statusCode).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-expose-headers']).toBeUndefined();
    const allowed = await app.inject({ method: 'POST', url: '/chat', headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-expose-headers']).toMatch(/RateLimit-Remaining/);
    expect(allowed.headers.vary).toMatch(/Origin/);
  });

  it('sends no Vary: Origin without an Origin (the service worker caches the shell by URL)', async () => {
    const res = await app.inject({ method: 'POST', url: '/chat' });
    expect(res.statusCode).toBe(200);
    expect(res.headers.vary).toBeUndefined();
  });

  it('carries the CORS headers onto an SSE response, which hijacks the reply', async () => {
    const res = await app.inject({ method: 'GET', url: '/stream', headers: { origin: 'https://app.example.com' } });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(res.headers['access-control-expose-headers']).toMatch(/Retry-After/);
    expect(res.body).toContain('event: token');
  });
});
