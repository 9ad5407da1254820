/**
 * The error body every service sends over the transport (inside RpcException). The gateway maps
 * `status` straight to the HTTP status, so a service decides what the user sees.
 */
export interface RpcErrorPayload {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export function isRpcErrorPayload(value: unknown): value is RpcErrorPayload {
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as RpcErrorPayload).status === 'number' &&
    typeof (value as RpcErrorPayload).message === 'string'
  );
}

/** Error codes shared across services. Services may add their own strings. */
export const ERROR_CODES = {
  validation: 'VALIDATION_FAILED',
  notFound: 'NOT_FOUND',
  forbidden: 'FORBIDDEN',
  noProvider: 'NO_PROVIDER_AVAILABLE',
  providerFailed: 'PROVIDER_FAILED',
  tooLarge: 'PAYLOAD_TOO_LARGE',
  unsupported: 'UNSUPPORTED_MEDIA_TYPE',
  timeout: 'TIMEOUT',
  internal: 'INTERNAL',
} as const;
