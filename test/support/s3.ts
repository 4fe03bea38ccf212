import { spawn } from 'node:child_process';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { s3Client } from '../../src/media/s3-file-store.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real S3-compatible server (s3rver) on a free local port, its objects in a temporary directory. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** s3rver's fixed account. It checks the key id but not SigV4 signatures (its own limit, decision 0022). */
  accessKeyId: string;
  secretAccessKey: string;
  /** The FLOTILLA_* settings that point a node at this server (with an optional key prefix). */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

const script = path.join(import.meta.dirname, 's3-server.js');

/** Starts s3rver in a child process (see s3-server.js for why not in this one) and waits until it listens. */
export async function startTestS3(bucket = 'flotilla-media'): Promise<TestS3> {
  const directory = mkdtempSync(path.join(tmpdir(), 'flotilla-s3-'));
  const proc = spawn(process.execPath, ['--openssl-legacy-provider', script, directory, bucket], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${output}`)), 20_000);
    proc.stdout.on('data', (d) => {
      output += String(d);
      const m = /\{"port":(\d+)\}/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.stderr.on('data', (d) => (output += String(d)));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited (${code}): ${output}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKeyId = 'S3RVER';
  const secretAccessKey = 'S3RVER';
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    env: (prefix) => ({
      FLOTILLA_MEDIA_STORE: 's3',
      FLOTILLA_S3_BUCKET: bucket,
      FLOTILLA_S3_ENDPOINT: endpoint,
      FLOTILLA_S3_REGION: 'us-east-1',
      FLOTILLA_S3_ACCESS_KEY_ID: accessKeyId,
      FLOTILLA_S3_SECRET_ACCESS_KEY: secretAccessKey,
      FLOTILLA_S3_FORCE_PATH_STYLE: 'true',
      ...(prefix === undefined ? {} : { FLOTILLA_S3_PREFIX: prefix }),
    }),
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A suite's S3 server: started before the suite, stopped after it. `env` is filled in place by then (pass it to
 * useTestApp); `raw` is a client without the prefix, to look at (or plant) what the bucket holds.
 */
export function useTestS3(prefix: string, setup?: (s3: TestS3, raw: S3Client) => Promise<void>) {
  const env: Record<string, string> = {};
  const state = {} as { s3: TestS3; raw: S3Client };
  beforeAll(async () => {
    state.s3 = await startTestS3();
    Object.assign(env, state.s3.env(prefix));
    state.raw = s3Client({ ...state.s3, region: 'us-east-1', forcePathStyle: true, prefix: '' });
    await setup?.(state.s3, state.raw);
  });
  afterAll(async () => {
    state.raw?.destroy();
    await state.s3?.stop();
  });
  return {
    env,
    get s3() {
      return state.s3;
    },
    get raw() {
      return state.raw;
    },
    /** Every key in the bucket, sorted. */
    objects: async () =>
      ((await state.raw.send(new ListObjectsV2Command({ Bucket: state.s3.bucket }))).Contents ?? []).map((o) => o.Key!).sort(),
  };
}
