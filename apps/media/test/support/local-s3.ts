import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, GalleryIndexRepository, GalleryObjectsRepository, GalleryStore } from '@nitro/media-store';
import { freePort, spawnService, ServiceProcess } from '@nitro/testing';
import type { Redis } from 'ioredis';

const ROOT = join(__dirname, '..', '..', '..', '..');

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  env: Record<string, string>;
  client: S3Client;
  proc: ServiceProcess;
  stop(): Promise<void>;
}

/**
 * A real s3rver as its own process, started through the dev launcher the start script uses
 * (dist/apps/media/src/dev/s3rver.main.js), with a fresh temp folder and a unique bucket.
 */
export async function startLocalS3(bucket = `gallery-${process.pid}-${Date.now() % 100000}`): Promise<LocalS3> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nitro-s3-'));
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    S3_ENDPOINT: endpoint,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_REGION: 'us-east-1',
  };
  const proc = await spawnService({
    name: 's3rver',
    script: join(ROOT, 'dist', 'apps', 'media', 'src', 'dev', 's3rver.main.js'),
    env: { ...env, S3RVER_DIR: dir, LOG_LEVEL: 'info' },
    readyLine: /"msg":"ready"/,
  });
  const client = createS3Client({ ...env, S3_TIMEOUT_MS: 10_000 });
  return {
    endpoint,
    bucket,
    env,
    client,
    proc,
    stop: async () => {
      client.destroy();
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function galleryStoreFor(s3: LocalS3, redis: Redis): GalleryStore {
  return new GalleryStore(new GalleryObjectsRepository(async () => s3.client, s3.bucket, 10_000), new GalleryIndexRepository(redis));
}

/** Every key in the bucket (test assertions: what is really stored). */
export async function listKeys(store: GalleryStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of store.objects.list('')) keys.push(o.key);
  return keys.sort();
}

export async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
