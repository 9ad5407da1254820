export const SERVICE_NAME = Symbol('SERVICE_NAME');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** One dependency /health/ready asks about (Redis, S3, a downstream service). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}
