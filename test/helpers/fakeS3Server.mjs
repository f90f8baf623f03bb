#!/usr/bin/env node
// A minimal S3 stand-in on 127.0.0.1 for tests of /vsis3/ paths: path-style GET (with Range),
// HEAD, PUT, DELETE and ListObjects (prefix + delimiter); no signature checks; objects in
// memory. It runs in its own process because GDAL's HTTP calls block the caller's event loop.
// Prints its port on stdout, serves until stdin closes (so it never outlives the test).
import { createServer } from 'node:http';

const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function list(objects, bucket, prefix, delimiter) {
  const contents = [];
  const prefixes = new Set();
  for (const [key, body] of [...objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!key.startsWith(`${bucket}/`)) continue;
    const name = key.slice(bucket.length + 1);
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (cut >= 0) prefixes.add(prefix + rest.slice(0, cut + 1));
    else contents.push(`<Contents><Key>${xml(name)}</Key><Size>${body.length}</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag></Contents>`);
  }
  const common = [...prefixes].map((p) => `<CommonPrefixes><Prefix>${xml(p)}</Prefix></CommonPrefixes>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${contents.join('')}${common}</ListBucketResult>`;
}


const objects = new Map();
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const key = decodeURIComponent(url.pathname.slice(1));
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const [bucket, ...rest] = key.split('/');
    if (req.method === 'GET' && rest.join('/') === '' && (url.searchParams.has('prefix') || url.searchParams.has('list-type') || url.searchParams.has('delimiter'))) {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(list(objects, bucket, url.searchParams.get('prefix') ?? '', url.searchParams.get('delimiter') ?? ''));
      return;
    }
    if (req.method === 'PUT') {
      objects.set(key, Buffer.concat(chunks));
      res.writeHead(200, { ETag: '"x"' });
      res.end();
      return;
    }
    if (req.method === 'DELETE') {
      objects.delete(key);
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/__keys') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify([...objects.keys()].sort()));
      return;
    }
    const body = objects.get(key);
    if (!body) {
      res.writeHead(404, { 'Content-Type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : '<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(body.length - 1, range[2] ? Number(range[2]) : body.length - 1);
      res.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${body.length}` });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
      return;
    }
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
