import type { RunSummary } from '../pipeline/outputs/predictAndWrite.js';
import { toReadableJson } from '../report/json.js';

/** The per-regime table a run prints on stdout. */
export function formatRunSummary(s: RunSummary): string {
  const head = 'label  pixels      share   area km2   velocity mm/yr';
  const rows = s.clusters.map(
    (c) => `${String(c.label).padStart(5)}  ${String(c.count).padStart(10)}  ${(100 * c.share).toFixed(1).padStart(5)} %  ${c.areaKm2.toFixed(3).padStart(9)}  ${c.velocity.toFixed(2).padStart(15)}`,
  );
  const files = Object.values(s.outputs).map((p) => `  ${p}`);
  return [head, ...rows, '', `test inertia: ${s.testInertia === null ? 'n/a' : s.testInertia.toFixed(5)}`, 'wrote:', ...files, ''].join('\n');
}

export function summaryJson(command: 'run' | 'predict' | 'merge', s: RunSummary): string {
  return toReadableJson({ command, outputs: s.outputs, validPixels: s.validPixels, testInertia: s.testInertia, timings: s.timings, clusters: s.clusters });
}
