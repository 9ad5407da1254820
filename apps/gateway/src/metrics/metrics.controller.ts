import { Controller, Get, Headers, Res } from '@nestjs/common';
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
  @ApiOperation({ summary: 'Prometheus metrics; with Accept: application/json, the JSON summary (cpu, memory, sessions, messages, uptime).' })
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
    return {
      cpu: { user_ms: Math.round(cpu.user / 1000), system_ms: Math.round(cpu.system / 1000) },
      memory: { rss_mb: +(mem.rss / 1048576).toFixed(1), heap_used_mb: +(mem.heapUsed / 1048576).toFixed(1) },
      sessions: { active: stats?.sessions_active ?? null, total_messages: stats?.total_messages ?? null },
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
      timestamp: new Date().toISOString(),
    };
  }
}
