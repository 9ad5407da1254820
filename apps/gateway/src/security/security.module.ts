import { Module } from '@nestjs/common';
import { RateLimitService } from './rate-limit.service';

/**
 * Rate limits shared by all gateways (Redis), used by the global guard. The request hooks beside it
 * (CORS, content type, JSON complexity, security headers) are Fastify hooks registered in bootstrap/.
 */
@Module({ providers: [RateLimitService], exports: [RateLimitService] })
export class SecurityModule {}
