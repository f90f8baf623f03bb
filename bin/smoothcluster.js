#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { removePendingTemporaries } from '../dist/io/atomicOutput.js';

// gdal-async runs reads and writes on libuv's pool; the default 4 threads are shared
// with fs. The pool starts on first use, so setting this here (before main) counts.
process.env.UV_THREADPOOL_SIZE ??= '8';

// An interrupted run removes its temporary files; finished outputs are untouched.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    removePendingTemporaries();
    process.stderr.write(`\nsmoothcluster: interrupted (${signal}); temporary files removed, earlier outputs kept.\n`);
    process.exit(code);
  });
}
process.exitCode = await main(process.argv.slice(2));
