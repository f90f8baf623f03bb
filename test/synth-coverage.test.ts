/**
 * Coverage patterns of `synth` (issue 13): full, blobby and fragmented coverage at a chosen
 * share of covered pixels, deterministic by seed, as the benchmark's scene variants need.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { makeSynthScene, type SynthScene } from '../src/synth/index.js';
import { readAllBands, readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

const NO_DATA = 255;

/** Share of covered pixels, of covered pixels with all 8 neighbours covered, and of covered pixels with none. */
function coverageShape(truth: Uint8Array, width: number, height: number) {
  let covered = 0, allEight = 0, isolated = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (truth[y * width + x] === NO_DATA) continue;
      covered++;
      let neighbours = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          if ((dx || dy) && xx >= 0 && xx < width && yy >= 0 && yy < height && truth[yy * width + xx] !== NO_DATA) neighbours++;
        }
      }
      if (neighbours === 8) allEight++;
      if (neighbours === 0) isolated++;
    }
  }
  return { share: covered / truth.length, allEight: allEight / covered, isolated: isolated / covered };
}

/** Fraction of missing dates over the covered pixels (the first date is never missing). */
function missingShare(scene: SynthScene): number {
  let missing = 0, values = 0, dataWithoutCoverage = 0;
  for (let d = 1; d < scene.dates.length; d++) {
    const band = scene.displacementBand(d);
    for (let i = 0; i < band.length; i++) {
      if (scene.truth[i] === NO_DATA) {
        if (!Number.isNaN(band[i])) dataWithoutCoverage++;
        continue;
      }
      values++;
      if (Number.isNaN(band[i])) missing++;
    }
  }
  expect(dataWithoutCoverage).toBe(0);
  return missing / values;
}

const W = 160, H = 144;

describe('synth coverage patterns', () => {
  it('covers every pixel with full coverage, and keeps the preset coverage as it was by default', () => {
    const full = makeSynthScene({ preset: 'lyngen', width: W, height: H, nDates: 4, coverage: 'full' });
    expect(full.truth.every((t) => t !== NO_DATA)).toBe(true);
    expect(new Set(full.truth).size).toBe(4); // every regime
    const byDefault = makeSynthScene({ preset: 'lyngen', width: W, height: H, nDates: 4 });
    const preset = makeSynthScene({ preset: 'lyngen', width: W, height: H, nDates: 4, coverage: 'preset' });
    expect(Buffer.from(preset.truth).equals(Buffer.from(byDefault.truth))).toBe(true);
    expect(byDefault.parameters).not.toHaveProperty('coverage');
    expect(full.parameters).toMatchObject({ coverage: 'full', validShare: 1 });
  });

  it.each([0.4, 0.65, 0.9])('covers the asked share (%s) with blobs, or with blobs torn by pixel noise', (validShare) => {
    const blobby = makeSynthScene({ preset: 'lyngen', width: W, height: H, nDates: 4, coverage: 'blobby', validShare });
    const fragmented = makeSynthScene({ preset: 'lyngen', width: W, height: H, nDates: 4, coverage: 'fragmented', validShare });
    const b = coverageShape(blobby.truth, W, H);
    const f = coverageShape(fragmented.truth, W, H);
    expect(b.share).toBeCloseTo(validShare, 2);
    expect(f.share).toBeCloseTo(validShare, 2);
    // Blobs have clean edges; fragmented coverage has ragged ones and isolated pixels.
    expect(b.allEight).toBeGreaterThan(0.8);
    expect(b.isolated).toBe(0);
    expect(f.allEight).toBeLessThan(b.allEight - 0.15);
    expect(f.allEight).toBeLessThan(0.8);
    if (validShare < 0.9) expect(f.isolated).toBeGreaterThan(0.002);
    // Still regime patches, not noise: every regime is covered.
    expect(new Set(fragmented.truth).size).toBe(5);
    expect(fragmented.parameters).toMatchObject({ coverage: 'fragmented', validShare });
  });

  it('misses about 1 % of dates at random per covered pixel in fragmented coverage, 3 % otherwise', () => {
    const fragmented = makeSynthScene({ preset: 'lyngen', width: 96, height: 80, nDates: 60, coverage: 'fragmented' });
    const blobby = makeSynthScene({ preset: 'lyngen', width: 96, height: 80, nDates: 60, coverage: 'blobby' });
    const f = missingShare(fragmented), b = missingShare(blobby);
    expect(f).toBeGreaterThan(0.007);
    expect(f).toBeLessThan(0.013);
    expect(b).toBeGreaterThan(0.025);
    expect(b).toBeLessThan(0.035);
    expect(fragmented.parameters).toMatchObject({ missingFraction: 0.01 });
    const asked = makeSynthScene({ preset: 'lyngen', width: 96, height: 80, nDates: 60, coverage: 'fragmented', missingFraction: 0.05 });
    expect(missingShare(asked)).toBeGreaterThan(0.04);
  });

  it('is deterministic by seed', () => {
    const options = { preset: 'nordnes' as const, width: 64, height: 56, nDates: 5, coverage: 'fragmented' as const, validShare: 0.5, seed: 3 };
    const a = makeSynthScene(options), b = makeSynthScene(options), c = makeSynthScene({ ...options, seed: 4 });
    expect(Buffer.from(a.truth).equals(Buffer.from(b.truth))).toBe(true);
    expect(Buffer.from(a.displacementBand(4).buffer).equals(Buffer.from(b.displacementBand(4).buffer))).toBe(true);
    expect(Buffer.from(a.truth).equals(Buffer.from(c.truth))).toBe(false);
  });

  it('refuses a valid share without a pattern that takes one, or out of range', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ coverage: 'patchy' }, /coverage must be one of preset, full, blobby, fragmented/],
      [{ validShare: 0.5 }, /validShare applies to coverage 'blobby' or 'fragmented'/],
      [{ coverage: 'full', validShare: 0.5 }, /validShare applies/],
      [{ coverage: 'blobby', validShare: 0 }, /validShare must be a number from 0.01 to 1/],
      [{ coverage: 'fragmented', validShare: 1.5 }, /validShare/],
    ];
    for (const [options, message] of bad) {
      expect(() => makeSynthScene({ preset: 'lyngen', width: 8, height: 8, nDates: 2, ...options } as never)).toThrow(UsageError);
      expect(() => makeSynthScene({ preset: 'lyngen', width: 8, height: 8, nDates: 2, ...options } as never)).toThrow(message);
    }
  });

  it('writes the pattern from the command line: no data exactly where the truth says so', async () => {
    const dir = tempDir('sc-coverage-');
    const r = await runCli('synth', join(dir, 'scene'), '--preset', 'lyngen', '--width', 64, '--height', 48, '--dates', 8, '--coverage', 'fragmented', '--valid-share', 0.4, '--quiet');
    expect(r.code).toBe(0);
    const truth = readBand(join(dir, 'scene', 'truth.tif'));
    const first = readAllBands(join(dir, 'scene', 'displacement.tif'))[0];
    let covered = 0, mismatched = 0;
    for (let i = 0; i < truth.data.length; i++) {
      if (Number.isNaN(first[i]) !== (truth.data[i] === NO_DATA)) mismatched++;
      if (truth.data[i] !== NO_DATA) covered++;
    }
    expect(mismatched).toBe(0);
    expect(covered / truth.data.length).toBeCloseTo(0.4, 2);
    const wrong = await runCli('synth', join(dir, 'other'), '--preset', 'lyngen', '--width', 8, '--height', 8, '--valid-share', 0.4, '--quiet');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/validShare applies to coverage 'blobby' or 'fragmented'/);
  });
});
