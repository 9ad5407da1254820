import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/**
 * Addresses an admin's pull may not fetch from: link-local 169.254.0.0/16 and fe80::/10 (where cloud
 * instance metadata lives: 169.254.169.254 on AWS, GCP, Azure; fd00:ec2::254 on AWS IPv6) and
 * Alibaba's 100.100.100.200. Loopback and private networks stay allowed: a mirror on the same host
 * or LAN is a documented use (docs/security.md).
 */
export function blockedAddressReason(ip: string): string | null {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (isIP(v4) === 4) {
    if (v4.startsWith('169.254.')) return 'a link-local address (cloud instance metadata lives there)';
    if (v4 === '100.100.100.200') return 'a cloud instance metadata address';
    return null;
  }
  const lower = ip.toLowerCase();
  if (/^fe[89ab][0-9a-f]:/.test(lower)) return 'a link-local address';
  if (lower === 'fd00:ec2::254') return 'a cloud instance metadata address';
  return null;
}

/**
 * Null when `url`'s host may be fetched from; else why not. A host name is resolved and every
 * address it has is checked (a name pointing at a metadata address is refused like the address).
 */
export async function refusedHost(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (a) => a.map((x) => x.address),
        () => [],
      );
  for (const address of addresses) {
    const why = blockedAddressReason(address);
    if (why) return `${host} is ${address}, ${why}: model pulls do not fetch from there`;
  }
  return null;
}
