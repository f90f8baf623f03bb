/**
 * Entry of a tile worker thread. It imports only the pure tile function (and through
 * it compute modules): gdal-async cannot load in a worker, and I/O stays on the main
 * thread. test/parallel.test.ts checks that nothing in this import graph reaches src/io, and
 * a lint rule (eslint.config.js) keeps these imports to compute modules.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { resultTransferList, runTileJob, TileScratch, type TileJob, type TilePassSetup } from './tileJob.js';

/** Messages from the pool. A setup is sent once per pass, before the pass's first job. */
export type ToWorker = { type: 'setup'; setupId: number; setup: TilePassSetup; keep: number } | { type: 'job'; id: number; setupId: number; job: TileJob };

/** Answers the pool's messages on `port`: this thread's setups and scratch live as long as the thread. */
function serveTileJobs(port: MessagePort): void {
  const setups = new Map<number, TilePassSetup>();
  const scratch = new TileScratch();
  port.on('message', (message: ToWorker) => {
    if (message.type === 'setup') {
      setups.set(message.setupId, message.setup);
      // The pool sends each pass's setup once and forgets the oldest beyond `keep`, as we do here.
      while (setups.size > message.keep) setups.delete(setups.keys().next().value!);
      return;
    }
    try {
      const setup = setups.get(message.setupId);
      if (!setup) throw new Error(`tile worker: no setup ${message.setupId} for job ${message.id}`);
      const result = runTileJob(setup, message.job, scratch);
      port.postMessage({ type: 'result', id: message.id, result }, resultTransferList(result));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ type: 'error', id: message.id, name: e.name, message: e.message, stack: e.stack });
    }
  });
}

if (!parentPort) throw new Error('tileWorker.js runs as a worker thread of the tile pool');
serveTileJobs(parentPort);
