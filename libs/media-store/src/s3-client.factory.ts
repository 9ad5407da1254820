import { S3Client } from '@aws-sdk/client-s3';

/** The S3 variables both the media service and the gateway read (same names in MediaEnv and GatewayEnv). */
export interface S3Settings {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_TIMEOUT_MS: number;
}

/**
 * One S3 client for MinIO, s3rver or AWS. Path-style addressing because MinIO and s3rver serve
 * buckets under the path, not as sub-domains. Checksums only when an operation requires them:
 * the SDK's default (CRC32 with aws-chunked framing on streamed bodies) is stored verbatim by
 * s3rver and older MinIO, corrupting the object (BRIEF decision 4).
 */
export function createS3Client(s: S3Settings): S3Client {
  return new S3Client({
    region: s.S3_REGION,
    ...(s.S3_ENDPOINT ? { endpoint: s.S3_ENDPOINT } : {}),
    forcePathStyle: true,
    credentials: s.S3_ACCESS_KEY_ID ? { accessKeyId: s.S3_ACCESS_KEY_ID, secretAccessKey: s.S3_SECRET_ACCESS_KEY } : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // requestTimeout is the socket's idle limit: a stalled download fails instead of hanging.
    requestHandler: { connectionTimeout: Math.min(5_000, s.S3_TIMEOUT_MS), requestTimeout: s.S3_TIMEOUT_MS },
    maxAttempts: 2,
  });
}
