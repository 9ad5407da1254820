import { blockedAddressReason, guardedLookup } from './ssrf-guard';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.8.9.10', /loopback/],
    ['10.1.2.3', /private/],
    ['172.20.0.1', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local.*metadata/],
    ['100.64.0.1', /shared/],
    ['0.0.0.0', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['fd00:ec2::254', /unique local/],
    ['fc00::1', /unique local/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:a9fe:a9fe', /link-local/],
    ['[::1]', /loopback/],
    ['64:ff9b::a00:1', /NAT64/],
  ])('refuses %s', (ip, reason) => {
    expect(blockedAddressReason(ip)).toMatch(reason);
  });

  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('allows public %s', (ip) => {
    expect(blockedAddressReason(ip)).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  const lookupOf = (answers: Record<string, string[]>) =>
    guardedLookup(
      async (host) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      blockedAddressReason,
    );
  const run = (lookup: ReturnType<typeof lookupOf>, host: string, all = false) =>
    new Promise<{ err: Error | null; address?: unknown }>((resolve) => lookup(host, { all }, (err, address) => resolve({ err, address })));

  it('refuses a name when any of its addresses is private', async () => {
    const lookup = lookupOf({ 'evil.example': ['93.184.216.34', '10.0.0.5'], 'meta.example': ['169.254.169.254'], 'v6.example': ['::1'] });
    expect((await run(lookup, 'evil.example')).err?.message).toMatch(/evil\.example resolves to 10\.0\.0\.5 is a private address/);
    expect((await run(lookup, 'meta.example')).err?.message).toMatch(/169\.254\.169\.254/);
    expect((await run(lookup, 'v6.example', true)).err?.message).toMatch(/::1 is/);
  });

  it('passes public answers on in both callback forms', async () => {
    const lookup = lookupOf({ 'ok.example': ['93.184.216.34'] });
    expect(await run(lookup, 'ok.example')).toEqual({ err: null, address: '93.184.216.34' });
    expect(await run(lookup, 'ok.example', true)).toEqual({ err: null, address: [{ address: '93.184.216.34', family: 4 }] });
    expect((await run(lookup, 'nothing.example')).err?.message).toMatch(/does not resolve/);
  });
});
