import Fastify from 'fastify';
import { parseOrigins, registerCors } from './cors.hook';

describe('CORS allow-list', () => {
  const app = Fastify();
  registerCors(app, parseOrigins('https://app.example.com, http://localhost:5173/'));
  app.post('/chat', async () => ({ ok: true }));
  afterAll(() => app.close());

  it('answers an allowed preflight with the methods and headers the API uses', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: '/chat', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses a preflight from another origin, naming CORS_ORIGINS', async () => {
    const res = await app.inject({ method: 'OPTIONS', url: '/chat', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/CORS_ORIGINS/);
  });

  it('adds no CORS header for a foreign origin, and exposes rate-limit headers to an allowed one', async () => {
    const foreign = await app.inject({ method: 'POST', url: '/chat', headers: { origin: 'https://app.example.com.evil.example' } });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await app.inject({ method: 'POST', url: '/chat', headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-expose-headers']).toMatch(/RateLimit-Remaining/);
    expect(allowed.headers.vary).toMatch(/Origin/);
  });
});
