// Where attachment bytes live: a directory on the local disk by default, an
// S3-compatible bucket when ATTACHMENTS_S3_BUCKET is set. Keys are opaque
// (`<workspace>/<uuid>`); the database row holds the name, type and size.
import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../platform/config.js';

export interface AttachmentStorage {
  readonly kind: 'local' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** The bytes as a stream, or null when there is no such object. */
  get(key: string): Promise<Readable | null>;
  /** Deleting what is not there is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[\w-]+\/[\w-]+$/;

function checkKey(key: string): string {
  // Keys are made by us; refusing anything else keeps a bad one from leaving the directory.
  if (!KEY.test(key)) throw new Error(`invalid attachment storage key: ${key}`);
  return key;
}

export class LocalDiskStorage implements AttachmentStorage {
  readonly kind = 'local' as const;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  path(key: string): string {
    return join(this.dir, checkKey(key));
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    // Written under a temporary name and renamed: a reader never sees half a file.
    const partial = `${path}.partial`;
    try {
      await writeFile(partial, bytes, { flag: 'wx' });
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Readable | null> {
    const stream = createReadStream(this.path(key));
    return new Promise((resolveStream, reject) => {
      stream.once('open', () => resolveStream(stream));
      stream.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? resolveStream(null) : reject(err)));
    });
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}

export class S3Storage implements AttachmentStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;

  constructor(readonly options: NonNullable<Config['attachments']['s3']>) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.accessKeyId && options.secretAccessKey ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } : undefined,
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: checkKey(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }),
    );
  }

  async get(key: string): Promise<Readable | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: checkKey(key) }));
      return res.Body as Readable;
    } catch (err) {
      if (err instanceof NoSuchKey) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: checkKey(key) }));
  }
}

export function createAttachmentStorage(config: Config['attachments']): AttachmentStorage {
  return config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(config.dir);
}

// One per configuration: API requests, jobs and the download route share it.
const storages = new WeakMap<Config['attachments'], AttachmentStorage>();

export function attachmentStorage(config: Config): AttachmentStorage {
  let storage = storages.get(config.attachments);
  if (!storage) storages.set(config.attachments, (storage = createAttachmentStorage(config.attachments)));
  return storage;
}

/** Deletes stored files after their rows are gone; a failure is logged, never thrown (the rows decide what exists). */
export async function deleteStored(storage: AttachmentStorage, keys: string[], onError: (err: unknown, key: string) => void): Promise<void> {
  await Promise.all(keys.map((key) => storage.delete(key).catch((err) => onError(err, key))));
}
