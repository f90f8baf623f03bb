import type { RegimePlots } from '../../report/regimePlotFiles.js';
import type { StatsSidecar } from '../../report/statsSidecar.js';
import { spawnWorker } from '../engine/spawnWorker.js';
import type { PlotRequest } from './plotWorker.js';

type PlotAnswer = { type: 'plots'; plots: RegimePlots } | { type: 'error'; name: string; message: string; stack?: string };

/**
 * Draws the regime plots of `sidecar` on a worker thread of their own (plotWorker.ts), which
 * ends with the answer: the same files drawRegimePlotFiles draws on the calling thread.
 */
export function drawRegimePlotsAside(sidecar: StatsSidecar, fontFiles: string[]): Promise<RegimePlots> {
  return new Promise<RegimePlots>((resolve, reject) => {
    const worker = spawnWorker('./plotWorker.js', import.meta.url);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    worker.once('message', (m: PlotAnswer) => {
      if (m.type === 'plots') return settle(() => resolve(m.plots));
      const err = new Error(m.message);
      err.name = m.name;
      err.stack = `${m.name}: ${m.message} (in the plot worker)\n${m.stack ?? ''}`;
      settle(() => reject(err));
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the plot worker thread exited (code ${code}) before drawing the plots`))));
    worker.postMessage({ sidecar, fontFiles } satisfies PlotRequest);
  });
}
