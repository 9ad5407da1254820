import type { S3Client } from '@aws-sdk/client-s3';
import { LazyResource } from '@nitro/transport';

/**
 * The S3 SDK, loaded on first use (a plain require, memoised by Node): `require('@aws-sdk/client-s3')`
 * costs ~4.2 MB of heap that a gateway serving only chat never needs (issue 17).
 */
export function loadS3Sdk(): typeof import('@aws-sdk/client-s3') {
  return require('@aws-sdk/client-s3');
}

/** Where GalleryObjectsRepository gets its client: called on every operation, made once. */
export type S3ClientSource = () => Promise<S3Client>;

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
  const { S3Client } = loadS3Sdk();
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

/** createS3Client on the first call (loading the SDK then), the same client after. */
export function lazyS3Client(s: S3Settings): S3ClientSource {
  const client = new LazyResource('S3 client', () => createS3Client(s));
  return () => client.get();
}
