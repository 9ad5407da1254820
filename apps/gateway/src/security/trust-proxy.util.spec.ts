import Fastify from 'fastify';
import { trustProxySetting } from './trust-proxy.util';

async function clientIp(setting: string, remoteAddress: string, xff?: string): Promise<string> {
  const app = Fastify({ trustProxy: trustProxySetting(setting) });
  app.get('/', async (req) => req.ip);
  const res = await app.inject({ url: '/', remoteAddress, headers: xff ? { 'x-forwarded-for': xff } : {} });
  await app.close();
  return res.body;
}

describe('TRUST_PROXY', () => {
  it('parses hop counts, true (= 1 hop), off, and address/CIDR lists', () => {
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('0')).toBe(false);
    expect(trustProxySetting('true')).toBe(1);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('10.0.0.0/8, loopback,fd00::/8')).toBe('10.0.0.0/8,loopback,fd00::/8');
    expect(() => trustProxySetting('10.0.0.0/33')).toThrow(/TRUST_PROXY: "10.0.0.0\/33"/);
    expect(() => trustProxySetting('nginx')).toThrow(/TRUST_PROXY/);
  });

  it('with one nginx hop, a client that rotates the left of X-Forwarded-For stays one address (issue 14: true took the left-most)', async () => {
    for (const spoof of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
      expect(await clientIp('1', '172.18.0.5', `${spoof}, 203.0.113.7`)).toBe('203.0.113.7');
      expect(await clientIp('true', '172.18.0.5', `${spoof}, 203.0.113.7`)).toBe('203.0.113.7');
    }
  });

  it('with a CIDR list, only listed proxies are skipped; a direct client cannot pick its address', async () => {
    expect(await clientIp('172.16.0.0/12', '172.18.0.5', '9.9.9.9, 203.0.113.7')).toBe('203.0.113.7');
    expect(await clientIp('172.16.0.0/12', '198.51.100.4', '9.9.9.9')).toBe('198.51.100.4');
    expect(await clientIp('false', '198.51.100.4', '9.9.9.9')).toBe('198.51.100.4');
  });
});
