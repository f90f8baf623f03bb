import gdal from 'gdal-async';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFolder, readText, statSize, writeText } from '../src/io/anyPath.js';
import { startFakeS3, type FakeS3 } from './helpers/fakeS3.js';
import { tempDir } from './helpers/tinyRasters.js';

let s3: FakeS3;
beforeAll(async () => {
  s3 = await startFakeS3();
  for (const [k, v] of Object.entries(s3.gdalConfig)) gdal.config.set(k, v);
});
afterAll(async () => {
  for (const k of Object.keys(s3.gdalConfig)) gdal.config.set(k, null as unknown as string);
  await s3.close();
});

const text = JSON.stringify({ model: 'smoothcluster', curve: [1.5, -2.25, 1e-300], name: 'Ådalen' });

describe('plain files at any GDAL path', () => {
  it('writes and reads local files byte for byte, atomically', () => {
    const p = join(tempDir(), 'a b ø.json');
    writeText(p, text);
    expect(readFileSync(p, 'utf8')).toBe(text);
    expect(readText(p)).toBe(text);
    expect(statSize(p)).toBe(Buffer.byteLength(text));
  });

  it('writes, reads and lists objects on /vsis3/ (a local S3 stand-in)', async () => {
    writeText('/vsis3/bucket/run/work/model.json', text);
    writeText('/vsis3/bucket/run/work/samples/S_0.json', '{"a":1}');
    writeText('/vsis3/bucket/run/work/samples/S_1.json', '{"a":2}');
    // exactly these bytes landed as one object, no sidecar
    expect((await s3.keys()).filter((k) => k.startsWith('bucket/run/work/model'))).toEqual(['bucket/run/work/model.json']);
    expect(readText('/vsis3/bucket/run/work/model.json')).toBe(text);
    expect(listFolder('/vsis3/bucket/run/work/samples')).toEqual(['/vsis3/bucket/run/work/samples/S_0.json', '/vsis3/bucket/run/work/samples/S_1.json']);
    expect(statSize('/vsis3/bucket/run/work/nothing.json')).toBeNull();
    expect(() => readText('/vsis3/bucket/run/work/nothing.json', '--model')).toThrow(/--model '\/vsis3\/bucket\/run\/work\/nothing.json' does not exist/);
  });
});
