import { CommonEnv } from './common.env';
import { ConfigError, loadConfig } from './load-config';
import { parseHostPort, redisTopology } from './redis-topology';

describe('Redis topology from the environment', () => {
  it('is the single node of REDIS_URL by default', () => {
    expect(redisTopology(loadConfig(CommonEnv, {}))).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
  });

  it('reads REDIS_CLUSTER_NODES as a comma list of seeds, with password and TLS', () => {
    const env = loadConfig(CommonEnv, {
      REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-1:7001,,10.0.0.1:7000',
      REDIS_PASSWORD: 'pw',
      REDIS_TLS: 'true',
    });
    expect(redisTopology(env)).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-1', port: 7001 },
      ],
      password: 'pw',
      tls: {},
    });
  });

  it('reads REDIS_SENTINELS with REDIS_SENTINEL_NAME', () => {
    const env = loadConfig(CommonEnv, {
      REDIS_SENTINELS: '[::1]:26379,s2:26379',
      REDIS_SENTINEL_NAME: 'nitro',
      REDIS_SENTINEL_PASSWORD: 'sp',
    });
    expect(redisTopology(env)).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '::1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'nitro',
      sentinelPassword: 'sp',
    });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: '10.0.0.1' }, 'REDIS_CLUSTER_NODES: must be a comma-separated list of host:port'],
    [{ REDIS_SENTINELS: 's1:26379' }, 'REDIS_SENTINEL_NAME: is required when REDIS_SENTINELS is set'],
    [
      { REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm', REDIS_CLUSTER_NODES: 'c:7000' },
      'REDIS_CLUSTER_NODES: cannot be set together with REDIS_SENTINELS',
    ],
    [{ REDIS_TLS: 'maybe' }, 'REDIS_TLS'],
  ])('refuses %j naming the variable', (vars, message) => {
    let err: unknown;
    try {
      loadConfig(CommonEnv, vars);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(message);
  });

  it('names REDIS_TLS_CA_FILE when it cannot be read', () => {
    const env = loadConfig(CommonEnv, { REDIS_CLUSTER_NODES: 'c:7000', REDIS_TLS: '1', REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' });
    expect(() => redisTopology(env)).toThrow(/REDIS_TLS_CA_FILE: cannot read/);
  });

  it('parses host:port', () => expect(parseHostPort('a.b:1')).toEqual({ host: 'a.b', port: 1 }));
});
