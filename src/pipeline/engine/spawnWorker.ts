import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `entry` beside the module at `from` (named as built,
 * './x.js'). From the TypeScript sources (tests) it runs the .ts through the dev hooks
 * (devWorkerHooks.mjs), which transpile it; the built package runs dist/'s .js.
 */
export function spawnWorker(entry: string, from: string): Worker {
  if (from.endsWith('.ts')) {
    const source = new URL(entry.replace(/\.js$/, '.ts'), from).href;
    const hooks = new URL('./devWorkerHooks.mjs', import.meta.url).href;
    const code = `require('node:module').register(${JSON.stringify(hooks)}); import(${JSON.stringify(source)});`;
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL(entry, from));
}
