import { Controller, Get, Header, HttpCode, Inject, Optional, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiExcludeEndpoint } from '@nestjs/swagger';
import { metricsRegistry } from './metrics.registry';
import { READINESS_CHECKS, ReadinessCheck, SERVICE_NAME } from './health.tokens';

const startedAt = Date.now();

/** Liveness, readiness and Prometheus metrics, the same on every service. */
@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    @Optional() @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[] = [],
  ) {}

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop answers.' })
  @ApiOkResponse({ description: '{ status: "healthy", service, uptime_s, timestamp }' })
  health() {
    return {
      status: 'healthy',
      service: this.service,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      timestamp: new Date().toISOString(),
    };
  }

  @Get('health/ready')
  @ApiOperation({
    summary: 'Readiness: Redis and every dependency this process needs answer.',
    description:
      'status "ready", "degraded" (a non-critical dependency failed: still 200; on the gateway, a downstream service without replicas) or "not_ready" (503). `?strict=true`: any failure is a 503.',
  })
  @ApiOkResponse({ description: 'Every critical check passed.' })
  @ApiServiceUnavailableResponse({ description: 'A critical check failed (or any, with strict=true); `checks` says which and why.' })
  async ready(@Query('strict') strict?: string) {
    const all = this.checks ?? [];
    const results = await runChecks(all);
    const critical = (i: number) => strict === 'true' || all[i].critical !== false;
    const failedCritical = results.some((r, i) => !r.ok && critical(i));
    const status = failedCritical ? 'not_ready' : results.every((r) => r.ok) ? 'ready' : 'degraded';
    const body = { status, service: this.service, checks: results };
    if (failedCritical) {
      const failed = results.filter((r) => !r.ok).map((r) => `${r.name} (${r.error})`);
      throw new ServiceUnavailableException({ error: 'NOT_READY', message: `not ready: ${failed.join(', ')}`, details: body });
    }
    return body;
  }
}

/** Prometheus text; the gateway replaces this with its own (JSON summary on Accept: application/json). */
@Controller()
export class MetricsController {
  @Get('metrics')
  @ApiExcludeEndpoint()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async metrics(@Res({ passthrough: true }) res: { header(k: string, v: string): unknown }) {
    res.header('Content-Type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}

export async function runChecks(checks: ReadinessCheck[], timeoutMs = 2000) {
  return Promise.all(
    checks.map(async (c) => {
      const started = Date.now();
      try {
        await Promise.race([
          c.check(),
          new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref()),
        ]);
        return { name: c.name, ok: true, ms: Date.now() - started };
      } catch (e) {
        return { name: c.name, ok: false, ms: Date.now() - started, error: (e as Error).message };
      }
    }),
  );
}
