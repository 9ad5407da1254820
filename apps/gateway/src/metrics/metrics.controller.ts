import { Controller, Get, Headers, Res } from '@nestjs/common';
import { cpus, freemem, totalmem } from 'node:os';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AiRouterClient } from '@nitro/transport';
import { metricsRegistry } from '@nitro/observability';
import { Public } from '../auth/auth-user';

const startedAt = Date.now();

@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly aiRouter: AiRouterClient) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'Prometheus metrics; with Accept: application/json, the JSON summary (cpu, memory, sessions, messages, uptime).',
  })
  @ApiProduces('text/plain', 'application/json')
  async metrics(@Headers('accept') accept: string | undefined, @Res() reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store');
    if (accept?.includes('application/json')) return reply.send(await this.summary());
    return reply.header('Content-Type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }

  private async summary() {
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const stats = await this.aiRouter.stats().catch(() => null);
    const total = totalmem();
    const available = freemem();
    return {
      // The seed's fields (psutil-style, for the whole host), then ours.
      cpu_percent: hostCpuPercent(),
      uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
      cpu: { user_ms: Math.round(cpu.user / 1000), system_ms: Math.round(cpu.system / 1000) },
      memory: {
        total_gb: +(total / 1024 ** 3).toFixed(2),
        available_gb: +(available / 1024 ** 3).toFixed(2),
        percent: +(((total - available) / total) * 100).toFixed(1),
        rss_mb: +(mem.rss / 1048576).toFixed(1),
        heap_used_mb: +(mem.heapUsed / 1048576).toFixed(1),
      },
      sessions: { active: stats?.sessions_active ?? null, total_messages: stats?.total_messages ?? null },
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      timestamp: new Date().toISOString(),
    };
  }
}

let lastCpu = cpuTimes();

function cpuTimes(): { idle: number; total: number } {
  return cpus().reduce(
    (acc, c) => ({ idle: acc.idle + c.times.idle, total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0) }),
    { idle: 0, total: 0 },
  );
}

/** Host CPU use since the previous call (since boot on the first), as psutil.cpu_percent() reports it. */
function hostCpuPercent(): number {
  const now = cpuTimes();
  const total = now.total - lastCpu.total;
  const idle = now.idle - lastCpu.idle;
  const base = total > 0 ? { idle, total } : now;
  lastCpu = now;
  return +((1 - base.idle / base.total) * 100).toFixed(1);
}
