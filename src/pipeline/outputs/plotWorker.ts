/**
 * Entry of the plot worker thread ({@link drawRegimePlotsAside}): draws one run's regime plots
 * and ends. Loading Vega and drawing with it and resvg take about 0.8 s of one core, which here
 * run beside the main thread's COG write and map instead of before them.
 */
import { parentPort } from 'node:worker_threads';
import { drawRegimePlotFiles } from '../../report/regimePlotFiles.js';
import type { StatsSidecar } from '../../report/statsSidecar.js';

/** What the worker is sent, once. */
export interface PlotRequest {
  sidecar: StatsSidecar;
  fontFiles: string[];
}

if (!parentPort) throw new Error('plotWorker.js runs as a worker thread');
const port = parentPort;
port.once('message', (request: PlotRequest) => {
  drawRegimePlotFiles(request.sidecar, request.fontFiles).then(
    (plots) => port.postMessage({ type: 'plots', plots }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack });
    },
  );
});
