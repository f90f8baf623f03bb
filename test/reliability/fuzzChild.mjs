// One fuzz worker: runs many mutants through the CLI's main in this process and
// reports each as a JSON line on stdout ("start" before, "done" after), so the
// parent test can name the mutant if GDAL kills this process or it hangs.
// Usage: node fuzzChild.mjs JOBS.json FIRST END OUTDIR (OUTDIR replaces {OUT} in the commands)
import { readFileSync } from 'node:fs';
import { main } from '../../dist/cli/main.js';

const [jobsPath, firstArg, endArg, outDir] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsPath, 'utf8'));
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`); // synchronous on a pipe

for (let i = Number(firstArg); i < Number(endArg); i++) {
  say({ start: i });
  const results = [];
  for (const template of jobs[i].commands) {
    const argv = template.map((a) => a.replace('{OUT}', outDir));
    let stderr = '';
    const io = { stdout: () => {}, stderr: (t) => (stderr += t), isTTY: false };
    const t0 = performance.now();
    const code = await main(argv, io);
    results.push({ command: argv[0], code, stderr: stderr.slice(0, 1500), ms: Math.round(performance.now() - t0) });
  }
  say({ done: i, results });
}
// Exit even if something (a worker pool, a pending handle) would keep the process alive.
process.exit(0);
