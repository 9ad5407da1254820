import type { S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { loadS3Sdk, type S3ClientSource } from './s3-client.factory';

export interface StoredObject {
  body: Readable;
  contentType: string;
  contentLength: number;
}

export interface ListedObject {
  key: string;
  lastModified: number;
}

type Sdk = ReturnType<typeof loadS3Sdk>;

/**
 * Plain S3 object access for the gallery bucket; every call but streamed downloads has a deadline.
 * The client comes from `client` (lazyS3Client: the SDK is loaded on the first operation).
 */
export class GalleryObjectsRepository {
  constructor(
    private readonly client: S3ClientSource,
    readonly bucket: string,
    private readonly timeoutMs: number,
  ) {}

  /** The client and the SDK's command classes (loaded with the client). */
  private async connect(): Promise<{ s3: S3Client; sdk: Sdk }> {
    return { s3: await this.client(), sdk: loadS3Sdk() };
  }

  private opts() {
    return { abortSignal: AbortSignal.timeout(this.timeoutMs) };
  }

  /** Creates the bucket when missing (first start against a fresh MinIO or s3rver). */
  async ensureBucket(): Promise<'exists' | 'created'> {
    const { s3, sdk } = await this.connect();
    try {
      await s3.send(new sdk.HeadBucketCommand({ Bucket: this.bucket }), this.opts());
      return 'exists';
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    try {
      await s3.send(new sdk.CreateBucketCommand({ Bucket: this.bucket }), this.opts());
    } catch (err) {
      // Another replica created it between our HEAD and PUT.
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((err as Error).name)) throw err;
    }
    return 'created';
  }

  async ping(): Promise<void> {
    const { s3, sdk } = await this.connect();
    await s3.send(new sdk.HeadBucketCommand({ Bucket: this.bucket }), this.opts());
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const { s3, sdk } = await this.connect();
    await s3.send(
      new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ContentLength: body.length }),
      this.opts(),
    );
  }

  /** A streamed read; null when the object is not there. The socket idle timeout of the client bounds stalls. */
  async open(key: string): Promise<StoredObject | null> {
    const { s3, sdk } = await this.connect();
    try {
      const res = await s3.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        body: res.Body as Readable,
        contentType: res.ContentType ?? 'application/octet-stream',
        contentLength: Number(res.ContentLength ?? 0),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async readJson<T>(key: string): Promise<T | null> {
    const { s3, sdk } = await this.connect();
    try {
      const res = await s3.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }), this.opts());
      return JSON.parse(await res.Body!.transformToString('utf8')) as T;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    const { s3, sdk } = await this.connect();
    try {
      await s3.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }), this.opts());
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** One DELETE per key: multi-object delete needs a Content-MD5 that checksum-less clients do not send to s3rver. */
  async delete(keys: string[]): Promise<void> {
    const { s3, sdk } = await this.connect();
    for (const key of keys) await s3.send(new sdk.DeleteObjectCommand({ Bucket: this.bucket, Key: key }), this.opts());
  }

  /** Every key under a prefix, page by page. */
  async *list(prefix: string): AsyncGenerator<ListedObject> {
    const { s3, sdk } = await this.connect();
    let token: string | undefined;
    do {
      const page = await s3.send(
        new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }),
        this.opts(),
      );
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, lastModified: o.LastModified?.getTime() ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}
