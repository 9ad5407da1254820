import { Platform, startPlatform } from '../support/platform';

/** `name;dur=1.23;desc="…"` entries of a Server-Timing header, name -> ms. */
function hops(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.find((p) => p.startsWith('dur='));
    if (name && dur) out[name] = Number(dur.slice(4));
  }
  return out;
}

/**
 * Per-hop timings (issue 17): with SERVER_TIMING=admin only admins' responses carry `Server-Timing`,
 * and a chat turn reports the gateway's hops and ai-router's (queue wait, memory, provider) through the transport.
 */
describe('Server-Timing (gateway + ai-router + local model)', () => {
  let p: Platform;

  beforeAll(async () => {
    p = await startPlatform({
      services: ['ai-router'],
      appEnv: { gateway: { SERVER_TIMING: 'admin' }, 'ai-router': { AI_PROVIDERS: 'local' } },
    });
  });
  afterAll(() => p?.stop());

  const chat = (headers: Record<string, string>, user_id: string) =>
    fetch(`${p.baseUrl}/chat`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Once upon a time', user_id, session_id: 'timing', options: { max_tokens: 4 } }),
    });

  it("reports every hop of an admin's chat turn, each a non-negative duration", async () => {
    const res = await chat(p.admin!.headers, p.admin!.id);
    expect(res.status).toBe(200);
    const h = hops(res.headers.get('server-timing'));
    for (const name of [
      'auth',
      'ratelimit',
      'transport',
      'ai-router-queue',
      'ai-router-memory-write',
      'ai-router-provider',
      'ai-router-handler',
      'gateway',
    ])
      expect(h[name]).toBeGreaterThanOrEqual(0);
    // The hops nest: the provider runs inside ai-router's handler, which runs inside the transport round trip.
    expect(h['ai-router-provider']).toBeLessThanOrEqual(h['ai-router-handler']);
    expect(h['ai-router-handler']).toBeLessThanOrEqual(h.transport);
    expect(h.transport).toBeLessThanOrEqual(h.gateway);
    expect(res.headers.get('server-timing')).toContain('desc="chat.send"');
  });

  it("leaves a normal user's responses without it (SERVER_TIMING=admin)", async () => {
    const res = await chat(p.headers, p.userId);
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBeNull();
  });

  it('puts the hops before the answer into the head of a stream', async () => {
    const res = await fetch(`${p.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: { ...p.admin!.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'The dog', user_id: p.admin!.id, options: { max_tokens: 4 } }),
    });
    expect(res.status).toBe(200);
    expect(Object.keys(hops(res.headers.get('server-timing')))).toEqual(expect.arrayContaining(['auth', 'gateway']));
    await res.text();
  });
});
