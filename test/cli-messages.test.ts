/**
 * What a person sees: a progress bar per pass only on a terminal and never with --quiet,
 * step-by-step logs with --verbose, a JSON summary on stdout with --json for every command
 * that does work, and the exit codes 0 / 1 (bad input) / 2 (bad usage).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { formatPixelRate, formatTimeLeft } from '../src/cli/stderrReporter.js';
import { runCli, type CliResult } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

let dir: string, scene: string;

/** The CLI in-process with stderr claiming to be a terminal, as `smoothcluster` run in one. */
async function runOnTerminal(...argv: (string | number)[]): Promise<CliResult> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: true, columns: 120 };
  const code = await main(argv.map(String), io);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = tempDir('sc-messages-');
  const made = await runCli('synth', join(dir, 'scene'), '--preset', 'nordnes', '--width', 72, '--height', 60, '--dates', 20, '--quiet');
  expect(made.code).toBe(0);
  scene = join(dir, 'scene', 'displacement.tif');
});

const BAR = /sample pass \|[█░]+\| \d+\/16 tiles \| [\d.]+ [kM]?px\/s \| \d+s left/;

describe('progress bars', () => {
  it('draws a bar per pass with tiles, pixels per second and time left on a terminal', async () => {
    const r = await runOnTerminal('run', scene, '--out', join(dir, 'tty.tif'), '--tile-size', 18, '--k', 3);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(BAR);
    expect(r.stderr).toMatch(/sample pass \|█+\| 16\/16 tiles \| [\d.]+ [kM]?px\/s/);
    expect(r.stderr).toMatch(/predict pass \|█+\| 16\/16 tiles/);
    // cli-progress may not touch the terminal's modes (cursor, wrapping): an interrupted run could not restore them.
    expect(r.stderr).not.toMatch(/\x1b\[\?(7|25)[hl]|\x1b[78]/);
    // The bar never reaches stdout, which carries the table only.
    expect(r.stdout).not.toMatch(/tiles|\x1b/);
    expect(r.stdout).toMatch(/^label\s+pixels/);
  });

  it('counts steps, not tiles, for progress that is not a pass over tiles (synth writing bands)', async () => {
    const r = await runOnTerminal('synth', join(dir, 'tty-synth'), '--preset', 'lyngen', '--width', 20, '--height', 20, '--dates', 12);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/displacement \|█+\| 12\/12 \| \d+s left/);
    expect(r.stderr).not.toMatch(/displacement[^\n]*tiles/);
  });

  it('draws nothing when stderr is not a terminal', async () => {
    const r = await runCli('run', scene, '--out', join(dir, 'pipe.tif'), '--tile-size', 18, '--k', 3);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\||█|░|\x1b|\r|px\/s/);
    expect(r.stderr).toMatch(/sample pass over 16 tiles/); // the step messages stay
  });

  it('draws nothing and says nothing with --quiet, even on a terminal', async () => {
    const r = await runOnTerminal('run', scene, '--out', join(dir, 'quiet.tif'), '--tile-size', 18, '--k', 3, '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('formats pixel rates for people', () => {
    expect(formatPixelRate(2_345_678)).toBe('2.3 Mpx/s');
    expect(formatPixelRate(45_600)).toBe('45.6 kpx/s');
    expect(formatPixelRate(512)).toBe('512 px/s');
    expect(formatPixelRate(NaN)).toBe('- px/s');
    expect(formatTimeLeft(42.4)).toBe('42s');
    expect(formatTimeLeft(185)).toBe('3m05s');
    expect(formatTimeLeft(3720)).toBe('1h02m');
    expect(formatTimeLeft(NaN)).toBe('--');
  });
});

describe('--verbose', () => {
  it('logs each step with elapsed time: passes, tile and pixel counts, sample sizes, fit, timings', async () => {
    const r = await runCli('run', scene, '--out', join(dir, 'verbose.tif'), '--tile-size', 18, '--k', 3, '--verbose');
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.every((l) => /^\[\s*\d+\.\d s\] /.test(l))).toBe(true);
    expect(r.stderr).toMatch(/sample pass over 16 tiles \(72 x 60, 20 features, halo 3\)/);
    expect(r.stderr).toMatch(/sample pass done: 16 tiles, 4320 pixels \([\d.]+ [kM]?px\/s\) in [\d.]+ s/);
    expect(r.stderr).toMatch(/fitting k=3 on \d+ training pixels of \d+ valid/);
    expect(r.stderr).toMatch(/\d+ train, \d+ test rows\); fit [\d.]+ s \(\d+ epochs, \d+ steps/);
    expect(r.stderr).toMatch(/predict pass done: 16 tiles, 4320 pixels/);
  });

  it('contradicts --quiet: exit 2', async () => {
    const r = await runCli('run', scene, '--out', join(dir, 'both.tif'), '--quiet', '--verbose');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--quiet and --verbose contradict/);
    expect(existsSync(join(dir, 'both.tif'))).toBe(false);
  });
});

describe('--json on every command that does work', () => {
  const json = (r: CliResult) => {
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('synth, info, fit, predict, smooth, run and sweep each print one JSON object', async () => {
    const synth = json(await runCli('synth', join(dir, 'json-scene'), '--preset', 'lyngen', '--width', 40, '--height', 36, '--dates', 12, '--json', '--quiet'));
    expect(synth).toMatchObject({ command: 'synth', width: 40, height: 36, dates: 12, epsg: 25833 });
    expect(existsSync(synth.outputs.displacement)).toBe(true);
    const small = synth.outputs.displacement as string;

    const info = json(await runCli('info', small, '--json'));
    expect(info).toMatchObject({ width: 40, height: 36, bands: 12 });

    const model = join(dir, 'json-model.json');
    const fit = json(await runCli('fit', small, '--model-out', model, '--k', 3, '--json', '--quiet'));
    expect(fit).toMatchObject({ command: 'fit', outputs: { model }, k: 3, dim: 12 });
    expect(fit.quality.testInertia).toBeGreaterThan(0);
    expect(fit.centres).toBeUndefined(); // a summary, not the model

    const predicted = json(await runCli('predict', small, '--model', model, '--out', join(dir, 'json-pred.tif'), '--json', '--quiet'));
    expect(predicted.outputs.raster).toBe(join(dir, 'json-pred.tif'));
    expect(predicted.clusters).toHaveLength(3);

    const smooth = json(await runCli('smooth', small, '--out', join(dir, 'json-smooth.tif'), '--json', '--quiet'));
    expect(smooth).toMatchObject({ command: 'smooth', outputs: { features: join(dir, 'json-smooth.tif') } });
    expect(smooth.featureNames).toHaveLength(12);

    const run = json(await runCli('run', small, '--out', join(dir, 'json-run.tif'), '--k', 3, '--json', '--quiet'));
    expect(run.clusters).toHaveLength(3);
    expect(run.validPixels).toBe(run.clusters.reduce((a: number, c: { count: number }) => a + c.count, 0));
    expect(JSON.parse(readFileSync(run.outputs.stats, 'utf8')).schema).toBe('smoothcluster-stats');

    const sweep = json(await runCli('sweep', small, '--k', '2,3', '--hops', '0,1', '--alpha', '0.5', '--json', '--quiet'));
    expect(sweep.rows).toHaveLength(4);
    expect(sweep.recommendation.k === 2 || sweep.recommendation.k === 3).toBe(true);
  });
});
