import { writeFileSync } from 'node:fs';
import { checkOutputsWritable, commitOutputs, temporaryPathFor } from '../../io/atomicOutput.js';
import { toReadableJson } from '../../report/json.js';
import { renderSvg } from '../../report/regimePlots.js';
import { sweepChartSpec, sweepCsv, sweepDocument } from '../../report/sweepReport.js';
import type { MethodOptions } from '../options.js';
import type { SweepResult } from '../../report/sweepResult.js';

/** The files `sweep --out PREFIX` writes. */
export interface SweepOutputs {
  csv: string;
  json: string;
  svg: string;
}

export function sweepOutputPaths(prefix: string): SweepOutputs {
  return { csv: `${prefix}.csv`, json: `${prefix}.json`, svg: `${prefix}.svg` };
}

/** Checked before the sweep starts, so a long sweep never ends in "cannot write". */
export function checkSweepOutputs(outputs: SweepOutputs, overwrite: boolean): void {
  checkOutputsWritable([outputs.csv, outputs.json, outputs.svg], overwrite);
}

/** Writes the table (CSV), the full result (JSON) and the elbow/score chart (SVG), each atomically. */
export async function writeSweepOutputs(result: SweepResult, options: MethodOptions, outputs: SweepOutputs): Promise<void> {
  const fixed = {
    graph: options.graph,
    aggregate: options.smoothing.aggregate,
    features: options.features,
    cluster: { ...options.cluster, k: undefined },
  };
  const pairs = [
    { final: outputs.csv, text: sweepCsv(result) },
    { final: outputs.json, text: toReadableJson(sweepDocument(result, { fixedOptions: fixed, outputs })) },
    { final: outputs.svg, text: await renderSvg(sweepChartSpec(result)) },
  ].map(({ final, text }) => {
    const tmp = temporaryPathFor(final);
    writeFileSync(tmp, text);
    return { tmp, final };
  });
  commitOutputs(pairs);
}
