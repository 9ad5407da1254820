import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.util';
import { killQuietly, stopProcess, trackProcess } from './process-registry.util';
import { pingRedis } from './redis-server.util';
import { sleep, waitFor } from './wait-for.util';

const run = promisify(execFile);
const REDIS_BIN = '/usr/bin/redis-server';
const CLI_BIN = '/usr/bin/redis-cli';

/** One redis-server of a test cluster or sentinel set. */
export interface RedisNode {
  port: number;
  /** SIGKILL: a crash, not a shutdown. */
  kill(): void;
  alive(): boolean;
}

/** `redis-cli -p <port> <args>` → its stdout (throws on a non-zero exit). */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(CLI_BIN, ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 30_000 });
  return stdout;
}

/**
 * Waits until every replica of the primary at `port` has acknowledged all of its replication stream
 * (`INFO replication`: each `slaveN:…offset=` reaches `master_repl_offset`). A `WAIT` from a fresh
 * redis-cli guarantees nothing (it only covers that client's own writes), so a failover test uses this
 * before it kills a primary. @throws when the replicas have not caught up within `timeoutMs`.
 */
export async function waitForReplicas(port: number, timeoutMs = 5_000): Promise<void> {
  await waitFor(
    async () => {
      const info = await redisCli(port, 'info', 'replication');
      const master = Number(/master_repl_offset:(\d+)/.exec(info)?.[1] ?? NaN);
      const replicas = [...info.matchAll(/slave\d+:[^\n]*offset=(\d+)/g)].map((m) => Number(m[1]));
      return replicas.length > 0 && replicas.every((o) => o >= master);
    },
    { timeoutMs, description: `the replicas of 127.0.0.1:${port} to catch up` },
  );
}

function launch(dir: string, port: number, args: string[]): { child: ChildProcess; node: RedisNode } {
  // No RDB/AOF: a killed node loses what it held, like the replicas-only durability the ADR describes.
  const child = spawn(
    REDIS_BIN,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    {
      stdio: 'ignore',
    },
  );
  trackProcess(child);
  return {
    child,
    node: { port, kill: () => killQuietly(child, 'SIGKILL'), alive: () => child.exitCode === null && child.signalCode === null },
  };
}

async function up(port: number): Promise<void> {
  await waitFor(() => pingRedis(port), { timeoutMs: 10_000 });
}

export interface RedisClusterHandle {
  /** Six nodes: three primaries and a replica of each (roles change on failover). */
  nodes: RedisNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: REDIS_CLUSTER_NODES for the services. */
  seeds: string;
  /** The node currently serving `key`'s slot as primary (CLUSTER KEYSLOT + CLUSTER NODES). */
  primaryFor(key: string): Promise<RedisNode>;
  /** Waits until every live node reports cluster_state:ok and `key`'s slot has a live primary. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster for tests: six `redis-server --cluster-enabled yes` on free ports in a temp dir,
 * `redis-cli --cluster create … --cluster-replicas 1`, then waits for cluster_state:ok. A short
 * cluster-node-timeout (1 s) makes a killed primary's replica take over within a few seconds.
 */
export async function startRedisCluster(): Promise<RedisClusterHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'nitro-cluster-'));
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const procs = ports.map((port) =>
    launch(dir, port, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '1000',
      // A replica promotes even when it lagged: the test kills primaries on purpose.
      '--cluster-replica-validity-factor',
      '0',
    ]),
  );
  await Promise.all(ports.map(up));
  await redisCli(ports[0], '--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes');
  const nodes = procs.map((p) => p.node);
  const waitHealthy = async (timeoutMs = 30_000) => {
    await waitFor(
      async () => {
        for (const n of nodes.filter((x) => x.alive())) {
          if (!(await redisCli(n.port, 'cluster', 'info').catch(() => '')).includes('cluster_state:ok')) return false;
        }
        return true;
      },
      { timeoutMs },
    );
  };
  await waitHealthy();
  return {
    nodes,
    seeds: ports.map((p) => `127.0.0.1:${p}`).join(','),
    async primaryFor(key) {
      const live = nodes.find((n) => n.alive())!;
      const slot = Number((await redisCli(live.port, 'cluster', 'keyslot', key)).trim());
      for (const line of (await redisCli(live.port, 'cluster', 'nodes')).split('\n')) {
        const f = line.trim().split(' ');
        if (!f[2]?.includes('master') || f[2].includes('fail')) continue;
        const port = Number(f[1].split('@')[0].split(':')[1]);
        const owns = f.slice(8).some((r) => {
          const [a, b] = r.split('-').map(Number);
          return slot >= a && slot <= (Number.isNaN(b) ? a : b);
        });
        if (owns) return nodes.find((n) => n.port === port)!;
      }
      throw new Error(`no live primary serves slot ${slot} (${key})`);
    },
    waitHealthy,
    async stop() {
      await Promise.all(procs.map((p) => stopProcess(p.child)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisSentinelHandle {
  primary: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** The name the sentinels monitor: REDIS_SENTINEL_NAME. */
  name: string;
  /** `127.0.0.1:s1,…`: REDIS_SENTINELS for the services. */
  seeds: string;
  /** The port the sentinels currently name as primary. */
  currentPrimaryPort(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * One primary, one replica and three sentinels (quorum 2) on free ports in a temp dir; a primary
 * unreachable for 1 s is failed over. Sentinels rewrite their config file, so each gets its own.
 */
export async function startRedisSentinel(name = 'nitro'): Promise<RedisSentinelHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'nitro-sentinel-'));
  const [pPort, rPort, ...sPorts] = await Promise.all(Array.from({ length: 5 }, () => freePort()));
  const primary = launch(dir, pPort, []);
  const replica = launch(dir, rPort, ['--replicaof', '127.0.0.1', String(pPort)]);
  await Promise.all([up(pPort), up(rPort)]);
  await waitFor(async () => (await redisCli(rPort, 'info', 'replication')).includes('master_link_status:up'), { timeoutMs: 15_000 });
  const sentinels = sPorts.map((port) => {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${pPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        // A failed leader election (split vote) is retried after 2 × failover-timeout (Redis docs):
        // with 5000 a CI run lost 10 s to it; 2000 retries after 4 s. Promotion itself takes milliseconds here.
        `sentinel failover-timeout ${name} 2000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const child = spawn(REDIS_BIN, [conf, '--sentinel'], { stdio: 'ignore' });
    trackProcess(child);
    return { child, node: { port, kill: () => killQuietly(child, 'SIGKILL'), alive: () => child.exitCode === null } as RedisNode };
  });
  await Promise.all(sPorts.map(up));
  // Every sentinel must know the replica and the other sentinels before a failover can be agreed.
  await waitFor(
    async () => {
      for (const s of sPorts) {
        const info = await redisCli(s, 'sentinel', 'master', name).catch(() => '');
        const lines = info.split('\n').map((l) => l.trim());
        const at = (k: string) => Number(lines[lines.indexOf(k) + 1]);
        if (at('num-slaves') < 1 || at('num-other-sentinels') < 2) return false;
      }
      return true;
    },
    { timeoutMs: 30_000 },
  );
  const all = [primary, replica, ...sentinels];
  return {
    primary: primary.node,
    replica: replica.node,
    sentinels: sentinels.map((s) => s.node),
    name,
    seeds: sPorts.map((p) => `127.0.0.1:${p}`).join(','),
    async currentPrimaryPort() {
      const live = sentinels.find((s) => s.node.alive())!;
      const out = (await redisCli(live.node.port, 'sentinel', 'get-master-addr-by-name', name)).trim().split('\n');
      return Number(out[1]);
    },
    async stop() {
      await Promise.all(all.map((p) => stopProcess(p.child)));
      await sleep(10);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
