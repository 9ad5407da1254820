import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { SERVICE_NAME } from '@nitro/observability';
import { SYS_PATTERNS } from '@nitro/contracts';

/** Answers the gateway's readiness probe over the transport: proves a replica is consuming. */
@Controller()
export class PingController {
  constructor(@Inject(SERVICE_NAME) private readonly service: string) {}

  @MessagePattern(SYS_PATTERNS.ping)
  ping() {
    return { service: this.service, pid: process.pid, ts: Date.now() };
  }
}
