import { NotFoundException } from '@nestjs/common';
import { loadConfig, GatewayEnv } from '@nitro/config';
import { isUserUid } from '@nitro/contracts';
import type { UserRepository } from './user.repository';
import { newUserUid } from './user.repository';
import { uidForUnauthenticated, UserUids } from './user-uids.service';

describe('UserUids: username -> immutable uid at the edge', () => {
  const stored = new Map<string, string>([['alice', '0190f5a2-7c1e-4b8a-9d3f-2a6b8c0d1e4f']]);
  const asked: string[] = [];
  const repo = { uidOf: async (id: string) => (asked.push(id), stored.get(id) ?? null) } as unknown as UserRepository;
  const uids = (authDisabled = false) => new UserUids(repo, loadConfig(GatewayEnv, { AUTH_DISABLED: String(authDisabled) }));

  it("answers the account's stored uid, whatever the spelling of the username", async () => {
    expect(await uids().of('ALICE')).toBe(stored.get('alice'));
    expect(asked.at(-1)).toBe('alice');
  });

  it('an unknown user is a 404, never a made-up uid (auth on)', async () => {
    await expect(uids().of('nobody')).rejects.toBeInstanceOf(NotFoundException);
  });

  it('AUTH_DISABLED (no accounts): a stable uid from the name, in the uid format, distinct per name', async () => {
    const local = await uids(true).of('local');
    expect(isUserUid(local)).toBe(true);
    expect(await uids(true).of('LOCAL')).toBe(local);
    expect(uidForUnauthenticated('other')).not.toBe(local);
    // An account, when there is one, still wins.
    expect(await uids(true).of('alice')).toBe(stored.get('alice'));
  });

  it('new uids are random UUIDs in the uid format', () => {
    const made = new Set(Array.from({ length: 100 }, () => newUserUid()));
    expect(made.size).toBe(100);
    for (const u of made) expect(isUserUid(u)).toBe(true);
  });
});
