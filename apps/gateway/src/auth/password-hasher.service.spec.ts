import { GatewayEnv } from '@nitro/config';
import { ARGON2_PARAMS, encode, parse, PasswordHasher } from './password-hasher.service';

/** Real argon2id (hash-wasm in a worker thread): a few hashes, each ~0.1-0.5 s here. */
describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(Object.assign(new GatewayEnv(), { PASSWORD_HASH_WORKERS: 1 }));
  let phc: string;

  beforeAll(async () => {
    phc = await hasher.hash('correct horse battery staple');
  });
  afterAll(() => hasher.onModuleDestroy());

  it('stores an argon2id PHC string with the OWASP parameters and a random salt', async () => {
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parse(phc)?.params).toEqual(ARGON2_PARAMS);
  });

  it('verifies the right password only (unicode included)', async () => {
    expect(await hasher.verify('correct horse battery staple', phc)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', phc)).toBe(false);
    const uni = await hasher.hash('pässwörd 🔑 密码');
    expect(await hasher.verify('pässwörd 🔑 密码', uni)).toBe(true);
    expect(await hasher.verify('password 🔑 密码', uni)).toBe(false);
  });

  it('refuses corrupted or absurd stored hashes instead of trying them', async () => {
    expect(await hasher.verify('x', 'not a hash')).toBe(false);
    const p = parse(phc)!;
    expect(parse(encode({ ...p.params, memorySize: 4_000_000 }, p.salt, p.hash))).toBeNull();
    expect(parse(phc.replace('$argon2id$', '$argon2i$'))).toBeNull();
  });

  it('flags hashes made with other parameters for an upgrade', () => {
    const p = parse(phc)!;
    expect(hasher.needsRehash(phc)).toBe(false);
    expect(hasher.needsRehash(encode({ ...p.params, iterations: 1 }, p.salt, p.hash))).toBe(true);
  });

  it('answers false for an unknown user after doing the same work', async () => {
    expect(await hasher.verifyAgainstDummy('anything')).toBe(false);
  });
});
