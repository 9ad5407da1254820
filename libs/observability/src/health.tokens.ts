export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** One dependency /health/ready asks about (Redis, S3, a downstream service). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
  /**
   * false: a failure is reported (status "degraded") but the process stays ready. The gateway's
   * downstream services are not critical: one service without replicas must not take every gateway
   * out of its load balancer (its routes answer 503 on their own). Default true.
   */
  critical?: boolean;
}
