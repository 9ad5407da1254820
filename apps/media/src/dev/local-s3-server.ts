import type { AddressInfo } from 'node:net';

/** The part of s3rver's API we use (the package ships no types). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

export interface LocalS3Server {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * s3rver (an S3-compatible server on the local disk) for development and tests: the gallery code
 * runs the same SDK calls against it as against MinIO. Credentials are s3rver's built-in
 * S3RVER / S3RVER; the bucket is created up front.
 */
export async function startLocalS3Server(opts: {
  port: number;
  address?: string;
  directory: string;
  bucket?: string;
}): Promise<LocalS3Server> {
  const S3rver = require('s3rver') as S3rverCtor;
  const server = new S3rver({
    port: opts.port,
    address: opts.address ?? '127.0.0.1',
    directory: opts.directory,
    silent: true,
    configureBuckets: opts.bucket ? [{ name: opts.bucket, configs: [] }] : [],
  });
  const address = await server.run();
  return { endpoint: `http://${address.address}:${address.port}`, port: address.port, close: () => server.close() };
}
