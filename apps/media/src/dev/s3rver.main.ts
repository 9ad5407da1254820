import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigOrExit, MediaEnv } from '@nitro/config';
import { createLogger } from '@nitro/observability';
import { startLocalS3Server } from './local-s3-server';

/**
 * Development launcher: a local S3-compatible server on S3_ENDPOINT's host and port, data in
 * S3RVER_DIR (default .data/s3), with S3_BUCKET created. scripts/start.sh runs it when no
 * S3_ENDPOINT is configured:  S3RVER_DIR=.data/s3 node dist/apps/media/src/dev/s3rver.main.js
 */
async function main() {
  const env = loadConfigOrExit(MediaEnv, 's3rver');
  const logger = createLogger('s3rver', env.LOG_LEVEL);
  const url = new URL(env.S3_ENDPOINT || 'http://127.0.0.1:9000');
  const directory = resolve(env.S3RVER_DIR);
  mkdirSync(directory, { recursive: true });
  const server = await startLocalS3Server({ port: Number(url.port || 80), address: url.hostname, directory, bucket: env.S3_BUCKET });
  logger.info({ endpoint: server.endpoint, directory, bucket: env.S3_BUCKET }, 'ready');
  const stop = () => void server.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', service: 's3rver', msg: (err as Error).message })}\n`);
  process.exit(1);
});
