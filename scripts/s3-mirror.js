#!/usr/bin/env node
// Copies every object of S3_BUCKET to a folder (backup) or a folder back into the bucket (restore).
//   node scripts/s3-mirror.js backup <dir>    node scripts/s3-mirror.js restore <dir>
// Env: S3_ENDPOINT (empty = AWS), S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY.
// Keys are stored as relative paths under <dir>; content types are kept in <dir>/.content-types.json.
'use strict';
const { mkdirSync, readFileSync, writeFileSync, readdirSync, statSync, existsSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');
const { S3Client, ListObjectsV2Command, GetObjectCommand, PutObjectCommand, CreateBucketCommand, HeadBucketCommand } = require('@aws-sdk/client-s3');

const [mode, dirArg] = process.argv.slice(2);
if (!['backup', 'restore'].includes(mode) || !dirArg) {
  console.error('usage: s3-mirror.js backup|restore <dir>');
  process.exit(2);
}
const dir = resolve(dirArg);
const env = process.env;
const bucket = env.S3_BUCKET || 'nitro-gallery';
const s3 = new S3Client({
  endpoint: env.S3_ENDPOINT || undefined,
  region: env.S3_REGION || 'us-east-1',
  forcePathStyle: !!env.S3_ENDPOINT,
  credentials: env.S3_ACCESS_KEY_ID ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY || '' } : undefined,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const timeout = () => ({ abortSignal: AbortSignal.timeout(60_000) });

function safePath(key) {
  const p = resolve(dir, ...key.split('/'));
  if (!p.startsWith(dir + sep)) throw new Error(`refusing object key outside the backup folder: ${key}`);
  return p;
}

async function backup() {
  mkdirSync(dir, { recursive: true });
  const types = {};
  let token;
  let n = 0;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }), timeout());
    for (const o of page.Contents ?? []) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }), timeout());
      const file = safePath(o.Key);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, Buffer.from(await obj.Body.transformToByteArray()));
      if (obj.ContentType) types[o.Key] = obj.ContentType;
      n++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  writeFileSync(join(dir, '.content-types.json'), JSON.stringify(types));
  console.log(`s3-mirror: ${n} objects of ${bucket} saved to ${dir}`);
}

function* files(d) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p !== join(dir, '.content-types.json')) yield p;
  }
}

async function restore() {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
  const types = existsSync(join(dir, '.content-types.json')) ? JSON.parse(readFileSync(join(dir, '.content-types.json'), 'utf8')) : {};
  await s3.send(new HeadBucketCommand({ Bucket: bucket }), timeout()).catch(() => s3.send(new CreateBucketCommand({ Bucket: bucket }), timeout()));
  let n = 0;
  for (const file of files(dir)) {
    const key = relative(dir, file).split(sep).join('/');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file), ContentType: types[key] }), timeout());
    n++;
  }
  console.log(`s3-mirror: ${n} objects restored into ${bucket}`);
}

(mode === 'backup' ? backup() : restore()).catch((e) => {
  console.error(`s3-mirror ${mode} failed: ${e.message}`);
  process.exit(1);
});
