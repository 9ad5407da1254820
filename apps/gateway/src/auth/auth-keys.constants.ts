/**
 * Redis keys of accounts, sessions and API keys. Users are keyed by the lower-cased username so
 * "Alice" and "alice" can never be two accounts; the id as registered is stored inside.
 * Ids never contain ':' (ID_PATTERN), so no key can collide with another kind.
 *
 * Redis Cluster (docs/adr/0009-redis-cluster.md): every key a script, MULTI or pipeline uses together
 * carries the hash tag `{auth}`, so they all live in one slot: sign-up checks the account, the users
 * index and the settings in one script (first user = admin), and each request reads the account and
 * its session family in one pipeline. The JWT key is read alone and stays outside the tag.
 */
export const AUTH_KEYS = {
  user: (lower: string) => `nitro:{auth}:user:${lower}`,
  /** zset: created_at (ms) -> lower-cased username; its size decides who is the first (admin). */
  users: 'nitro:{auth}:users',
  settings: 'nitro:{auth}:settings',
  /** Development only: the generated JWT key every gateway instance shares. */
  jwtSecret: 'nitro:auth:jwt-secret',
  /** set of refresh-token family ids of a user (revoked all at once when the user is disabled). */
  userFamilies: (lower: string) => `nitro:{auth}:user:${lower}:families`,
  /** hash { user, current }: `current` is the hash of the only refresh token that may still be used. */
  family: (familyId: string) => `nitro:{auth}:family:${familyId}`,
  /** The family's newest refresh token in clear, for REFRESH_REUSE_GRACE_S only: a repeated refresh gets it back. */
  familyGrace: (familyId: string) => `nitro:{auth}:family-grace:${familyId}`,
  /** hash { family, user } per refresh token ever issued (kept until expiry to detect reuse). */
  refresh: (tokenHash: string) => `nitro:{auth}:refresh:${tokenHash}`,
  /** hash { id, user, name, prefix, created_at } per API key, by the key's SHA-256. */
  apiKey: (keyHash: string) => `nitro:{auth}:apikey:${keyHash}`,
  /** hash key id -> key hash, per user. */
  userApiKeys: (lower: string) => `nitro:{auth}:user:${lower}:apikeys`,
  loginFailuresAccount: (lower: string) => `nitro:{auth}:login-fail:acct:${lower}`,
  loginFailuresIp: (ip: string) => `nitro:{auth}:login-fail:ip:${ip}`,
  /** hash { n, until } per (account, client address bucket): failures and the time before the next attempt. */
  loginFailuresPair: (lower: string, ip: string) => `nitro:{auth}:login-fail:pair:${lower}:${ip}`,
  /** Present while an account under guessing has had its one attempt of LOGIN_ACCOUNT_SLOWDOWN_MS. */
  loginSlowdown: (lower: string) => `nitro:{auth}:login-fail:slow:${lower}`,
  /** set of client address buckets the account signed in from (not slowed down when it is being guessed at). */
  loginKnownAddresses: (lower: string) => `nitro:{auth}:login-known:${lower}`,
};

export const API_KEY_PREFIX = 'nitro_';
export const REFRESH_TOKEN_PREFIX = 'nrt_';
