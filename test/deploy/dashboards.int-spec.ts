import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { waitFor } from '@nitro/testing';
import { LocalS3, startLocalS3 } from '../../apps/media/test/support/local-s3';
import { Platform, readSse, startPlatform } from '../support/platform';
import { analyseQuery, deployedQueries, Inventory, parseExposition, queryErrors, ruleFiles } from '../../tools/validate/promql';

const ROOT = join(__dirname, '..', '..');
const SERVICES = ['ai-router', 'media', 'voice', 'search', 'agents'] as const;

/**
 * The Grafana dashboards and Prometheus alert rules against the real thing: every service and a
 * gateway run as processes, some traffic goes through (chat JSON and SSE, an image job, static
 * files), then every /metrics is scraped and every metric and label the queries use must be there.
 */
describe('dashboards and alert rules use only metrics the services export', () => {
  let p: Platform;
  let s3: LocalS3;
  const scrapes = new Map<string, string>();
  const inventory: Inventory = new Map();

  beforeAll(async () => {
    s3 = await startLocalS3();
    p = await startPlatform({
      services: [...SERVICES],
      env: { ...s3.env, AI_PROVIDERS: 'local', IMAGE_PROVIDERS: 'procedural' },
      appEnv: {
        media: { PROCEDURAL_DELAY_MS: '50', GALLERY_SWEEP_INTERVAL_MS: '0' },
        gateway: { WEB_ROOT: join(ROOT, 'dist', 'apps', 'web') },
      },
    });
    // Static files: the index and a hashed asset, twice each.
    const index = await (await fetch(`${p.baseUrl}/`)).text();
    const asset = /\/assets\/[\w.-]+\.(?:js|css)/.exec(index)?.[0];
    if (!asset) throw new Error('the PWA build (dist/apps/web) has no hashed asset: run pnpm build');
    for (let i = 0; i < 2; i++)
      for (const path of ['/', asset, '/manifest.webmanifest']) expect((await fetch(p.baseUrl + path)).status).toBe(200);
    // Chat, JSON and streamed (SSE), on the local model.
    expect(
      (await p.request('/chat', { method: 'POST', json: { message: 'hello', user_id: p.userId, options: { max_tokens: 8 } } })).status,
    ).toBe(200);
    const stream = await p.request('/chat/stream', {
      method: 'POST',
      json: { message: 'hello again', user_id: p.userId, options: { max_tokens: 8 } },
    });
    expect((await readSse(stream)).some((e) => e.event === 'done')).toBe(true);
    // An image job (procedural), to the end.
    const job = await (
      await p.request('/generate-image', {
        method: 'POST',
        json: { prompt: 'a red square', user_id: p.userId, settings: { width: 64, height: 64 } },
      })
    ).json();
    expect((await readSse(await p.request(job.events_url))).at(-1)?.event).toBe('done');
    // media reports its queue depth every 5 s.
    await waitFor(async () => /nitro_media_queue_jobs\{/.test(await (await fetch(`${p.urlOf('media')}/metrics`)).text()), {
      timeoutMs: 15_000,
      intervalMs: 500,
    });
    for (const name of ['gateway', ...SERVICES]) {
      const res = await fetch(`${p.urlOf(name)}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      scrapes.set(name, text);
      parseExposition(text, inventory);
    }
  });

  afterAll(async () => {
    await p?.stop();
    await s3?.stop();
  });

  it('every dashboard panel and alert rule parses and uses only exported metrics and labels', () => {
    const queries = deployedQueries();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    expect(queries.flatMap((q) => queryErrors(analyseQuery(q.expr), inventory, q.where))).toEqual([]);
  });

  it('the check fails on what the dashboard used to query (names and labels that do not exist)', () => {
    const old = [
      'histogram_quantile(0.95, sum by (le, provider) (rate(nitro_provider_latency_seconds_bucket[5m])))',
      'sum by (provider) (rate(nitro_tokens_total[1m]))',
      'sum by (state) (nitro_queue_jobs)',
      'sum by (le, provider) (rate(nitro_transport_request_duration_seconds_bucket{code="500"}[5m]))',
      'sum by (le, target) (rate(nitro_http_request_duration_seconds_bucket[5m])',
    ];
    const errors = old.map((expr) => queryErrors(analyseQuery(expr), inventory, 'old').join('; '));
    expect(errors[0]).toMatch(/nitro_provider_latency_seconds_bucket is not exported/);
    expect(errors[1]).toMatch(/nitro_tokens_total is not exported/);
    expect(errors[2]).toMatch(/nitro_queue_jobs is not exported/);
    expect(errors[3]).toMatch(/has no label "code"[\s\S]*label "provider" it groups on/);
    expect(errors[4]).toMatch(/does not parse/);
  });

  it('the alert rules cover a dead service, an open circuit, a queue backlog, 5xx and p99 latency', () => {
    const alerts = ruleFiles().flatMap((f) =>
      YAML.parse(readFileSync(f, 'utf8')).groups.flatMap((g: { rules: { alert: string; expr: string; for?: string }[] }) => g.rules),
    );
    const exprOf = (re: RegExp) => alerts.find((a) => re.test(a.alert))?.expr ?? '';
    for (const s of ['gateway', ...SERVICES]) expect(exprOf(/NoLiveReplica/)).toContain(`service="${s}"`);
    expect(exprOf(/CircuitOpen/)).toMatch(/nitro_ai_circuit_state/);
    expect(exprOf(/QueueBacklog/)).toMatch(/nitro_media_queue_jobs\{state="waiting"\}/);
    expect(exprOf(/5xx/)).toMatch(/status=~"5\.\."/);
    expect(exprOf(/LatencyP99/)).toMatch(/histogram_quantile\(0\.99/);
    expect(alerts.every((a) => a.for)).toBe(true);
    const prom = YAML.parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'));
    expect(prom.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
  });

  it('`service` is the exporting process on every series; transport series name the other end in `target`', () => {
    for (const [name, text] of scrapes) {
      const values = new Set([...text.matchAll(/[{,]service="([^"]*)"/g)].map((m) => m[1]));
      expect([name, [...values]]).toEqual([name, [name]]);
    }
    expect([...(inventory.get('nitro_transport_requests_total') ?? [])]).toEqual(
      expect.arrayContaining(['target', 'side', 'pattern', 'outcome']),
    );
    expect(scrapes.get('gateway')).toMatch(/nitro_transport_requests_total\{side="client",target="ai-router"/);
  });

  it('static files are one route label; event streams are out of the request-latency histogram (in their own)', () => {
    const gw = scrapes.get('gateway')!;
    const routes = (metric: string) => new Set([...gw.matchAll(new RegExp(`^${metric}\\{[^}]*route="([^"]*)"`, 'gm'))].map((m) => m[1]));
    const latency = routes('nitro_http_request_duration_seconds_count');
    expect(latency.has('/static')).toBe(true);
    expect([...routes('nitro_http_requests_total')].filter((r) => r.includes('assets') || r.endsWith('.webmanifest') || r === '/')).toEqual(
      [],
    );
    const sse = routes('nitro_http_sse_duration_seconds_count');
    expect([...sse]).toContain('/chat/stream');
    expect([...latency].filter((r) => sse.has(r))).toEqual([]);
    expect(latency.has('/chat')).toBe(true);
  });

  it('tokens carry the model that produced them', () => {
    const model = /nitro_ai_tokens_total\{[^}]*model="([^"]+)"/.exec(scrapes.get('ai-router')!)?.[1];
    expect(model).toMatch(/stories260K/);
  });
});
