import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A local S3 stand-in (test/helpers/fakeS3Server.mjs) running in a child process. */
export interface FakeS3 {
  port: number;
  /** GDAL configuration that points /vsis3/ at it. */
  gdalConfig: Record<string, string>;
  /** Keys of the stored objects ("bucket/key"), sorted. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Starts the stand-in. It must live in another process: GDAL's HTTP requests
 * are synchronous and would block a server running on this event loop.
 */
export async function startFakeS3(): Promise<FakeS3> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(new URL('./fakeS3Server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  return {
    port,
    gdalConfig: {
      AWS_S3_ENDPOINT: `127.0.0.1:${port}`,
      AWS_HTTPS: 'NO',
      AWS_VIRTUAL_HOSTING: 'FALSE',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR',
      VSI_CACHE: 'FALSE',
    },
    keys: async () => (await (await fetch(`http://127.0.0.1:${port}/__keys`)).json()) as string[],
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      }),
  };
}
