import { BlockList, isIP } from 'node:net';

/** Address ranges a page fetch must never reach: this host, the private network, cloud metadata. */
const RANGES: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT (shared) address'],
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved address'],
  ['::', 96, 'ipv6', 'an unspecified, loopback or IPv4-compatible address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address (it can reach internal IPv4)'],
  ['100::', 64, 'ipv6', 'a discard address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address (it can reach internal IPv4)'],
  ['fc00::', 7, 'ipv6', 'a unique local (private) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
];

const LISTS = RANGES.map(([net, prefix, family, label]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, label };
});

/** "::ffff:127.0.0.1" / "::ffff:7f00:1" are IPv4 addresses in disguise. */
function unmapIPv4(ip: string): string {
  const m = /^::ffff:(?:0:)?(.+)$/i.exec(ip);
  if (!m) return ip;
  if (isIP(m[1]) === 4) return m[1];
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]);
  if (!hex) return ip;
  const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Why this IP must not be fetched ("127.0.0.1 is a loopback address"), or undefined when it is public. */
export function blockedAddressReason(address: string): string | undefined {
  const ip = unmapIPv4(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  const family = isIP(ip);
  if (!family) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const hit = LISTS.find((l) => l.family === type && l.list.check(ip, type));
  return hit ? `${address} is ${hit.label}` : undefined;
}

/** Thrown when a URL, a redirect or a DNS answer points somewhere a server-side fetch must not go. */
export class BlockedAddressError extends Error {
  readonly code = 'ERR_BLOCKED_ADDRESS';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
/** Decides whether an address may be fetched; production uses "public only", tests may widen it. */
export type AddressPolicy = (address: string) => string | undefined;

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address?: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request: the socket connects only to addresses this function approved, so
 * there is no gap between checking a name and connecting (DNS rebinding). Every address a name
 * resolves to must pass; one private answer refuses the name.
 */
export function guardedLookup(resolve: Resolver, policy: AddressPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        if (!addresses.length) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }));
        for (const a of addresses) {
          const reason = policy(a.address);
          if (reason) return callback(new BlockedAddressError(`${hostname} resolves to ${reason}`) as NodeJS.ErrnoException);
        }
        if (options?.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err),
    );
  };
}
