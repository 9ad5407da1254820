import { BlockList, isIP } from 'node:net';

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY as Fastify's `trustProxy`: which hops in front of the gateway may say who the client is.
 *   false / 0        trust nobody: the client is the socket's address (a gateway reached directly);
 *   N (1, 2 …)       N proxies in front (nginx = 1): the client is the N-th address from the right of
 *                    X-Forwarded-For; what a client writes further left is never read;
 *   true             the same as 1: it used to mean "trust every hop", so the left-most address — the
 *                    one the client writes — was taken and per-IP limits could be stepped around;
 *   a list           comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal: the proxies
 *                    themselves; the client is the right-most address not in the list.
 * Throws at start, naming the bad entry, for anything else.
 */
export function trustProxySetting(value: string): boolean | number | string {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return 1;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const entries = v.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (NAMED.has(entry)) continue;
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(addr);
    const maxBits = family === 6 ? 128 : 32;
    if (!family || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
      throw new Error(`TRUST_PROXY: "${entry}" is not an address, a CIDR or loopback/linklocal/uniquelocal (or use a hop count such as 1)`);
    }
    if (bits !== undefined) new BlockList().addSubnet(addr, Number(bits), family === 6 ? 'ipv6' : 'ipv4');
  }
  return entries.join(',');
}
