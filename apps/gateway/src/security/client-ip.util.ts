import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client address is counted under. One IPv6 subscriber usually owns a whole /64, so
 * counting single IPv6 addresses would let anyone step around a per-address budget: they are
 * bucketed by /64. IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function clientBucket(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/i;

/**
 * True when a request comes from the gateway's own machine: the socket's peer is loopback and so is
 * the client address (a trusted proxy on loopback forwarding a remote client is not "local").
 */
export function isLoopbackRequest(socketAddress: string | undefined, clientIp: string | undefined): boolean {
  return !!socketAddress && !!clientIp && LOOPBACK.test(socketAddress) && LOOPBACK.test(clientIp);
}
