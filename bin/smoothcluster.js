#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { removePendingTemporaries } from '../dist/io/atomicOutput.js';

// An interrupted run removes its temporary files; finished outputs are untouched.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    removePendingTemporaries();
    process.stderr.write(`\nsmoothcluster: interrupted (${signal}); temporary files removed, earlier outputs kept.\n`);
    process.exit(code);
  });
}
process.exitCode = await main(process.argv.slice(2));
