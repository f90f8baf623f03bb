#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { abandonOutputs, removePendingTemporaries } from '../dist/io/atomicOutput.js';

// gdal-async runs reads and writes on libuv's pool; the default 4 threads are shared
// with fs. The pool starts on first use, so setting this here (before main) counts.
process.env.UV_THREADPOOL_SIZE ??= '8';

// An interrupted run publishes nothing and removes its temporary files; finished
// outputs are untouched. Exit codes follow the shell's 128 + signal number.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    abandonOutputs();
    process.stderr.write(`\nsmoothcluster: interrupted (${signal}); temporary files removed, earlier outputs kept.\n`);
    process.exit(code);
  });
}
// A file size limit (ulimit -f) must make the write fail with EFBIG, which the
// run reports and cleans up after, rather than kill the process mid-write
// (Node ignores SIGXFSZ already; this keeps it so whatever loads before us).
process.on('SIGXFSZ', () => {});
// `smoothcluster info x | head -1` closes stdout early: not an error worth a stack.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
// A failure outside main's awaited chain still removes the temporaries.
process.on('uncaughtException', (err) => {
  removePendingTemporaries();
  process.stderr.write(`smoothcluster: internal error (please report it):\n${err?.stack ?? err}\n`);
  process.exit(70);
});
// Exit as soon as the command is done: a handle left open (a worker, a socket) must not
// turn a finished run into a hang. stdout and stderr are synchronous for files and pipes.
process.exit(await main(process.argv.slice(2)));
