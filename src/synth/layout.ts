import { coverageMask, type CoveragePattern } from './coverage.js';
import { smoothRandomField } from './fields.js';
import {
  FROST_HEAVE,
  LANDSLIDE,
  NO_COVERAGE,
  STABLE,
  SUBSIDENCE,
  type PresetDefinition,
  type TerrainPreference,
} from './presets.js';
import { countOnes, topQuantile } from './quantiles.js';
import { hashKeys } from './random.js';

/**
 * Where things are in a synthetic scene: terrain, coverage and the regime of
 * every pixel. Regimes are placed by ranking smooth scores (terrain preference
 * plus a smooth random field), so each forms a few contiguous patches, and by
 * quantiles rather than fixed thresholds, so every regime is present whatever
 * the seed or size.
 */
export interface SceneLayout {
  /** Regime per pixel, NO_COVERAGE where there is no data. */
  truth: Uint8Array;
  /** Terrain height in metres (0 on the fjord). */
  heightMetres: Float32Array;
  /** Terrain slope in degrees. */
  slopeDegrees: Float32Array;
  /** Slope steepness relative to the scene's steep ground, ~0..1.5. */
  steepness: Float32Array;
  /** How strongly a pixel expresses its regime, 0 at a patch edge to 1 in its core. */
  intensity: Float32Array;
}

/** Distinct random streams of the layout, so changing one never shifts another. */
const FIELD = { terrain: 1, shore: 2, valley: 3, gaps: 4, landslide: 5, subsidence: 6, frostHeave: 7 } as const;

/**
 * Blob size grows slowly with the raster so a small test scene still holds
 * several patches of every regime and a large one holds more, not just bigger.
 */
export function featureCellPixels(width: number, height: number): number {
  const across = Math.min(16, Math.max(2, Math.round(Math.sqrt(Math.max(width, height) / 12))));
  return Math.max(width, height) / across;
}

/**
 * Builds terrain, coverage gaps and the regime map of a preset. A coverage pattern other
 * than `preset` replaces the preset's water and gaps: regimes are laid out over every pixel
 * and the pattern's mask (see {@link coverageMask}) then takes the data away.
 */
export function buildLayout(
  preset: PresetDefinition,
  width: number,
  height: number,
  pixelSize: number,
  seed: number,
  coverage: { pattern: CoveragePattern; validShare: number } = { pattern: 'preset', validShare: 1 },
): SceneLayout {
  const n = width * height;
  const cell = featureCellPixels(width, height);
  const field = (id: number, octaves = 2) => smoothRandomField(width, height, cell, hashKeys(seed, 0x1a7, id), octaves);

  const { elevation, water } = terrain(preset, width, height, field(FIELD.terrain, 3), field(FIELD.shore), field(FIELD.valley));
  const heightMetres = new Float32Array(n);
  for (let i = 0; i < n; i++) heightMetres[i] = elevation[i] * preset.reliefMetres;
  const slopeDegrees = slopeInDegrees(heightMetres, width, height, pixelSize);
  const steepness = relativeSteepness(elevation, width, height, water);

  const truth = new Uint8Array(n).fill(STABLE);
  const open = new Uint8Array(n); // 1 where a pixel may still be given a regime
  const presetCoverage = coverage.pattern === 'preset';
  let landCount = 0;
  for (let i = 0; i < n; i++) {
    if (water[i] && presetCoverage) truth[i] = NO_COVERAGE;
    else {
      open[i] = 1;
      landCount++;
    }
  }

  // Vegetation grows on the low ground, glaciers lie on the high ground.
  const gapPreference = { elevation: preset.gaps.kind === 'glacier' ? 2.5 : -2.5, slope: 0, midElevation: 0 };
  const gapScore = placementScore(gapPreference, elevation, steepness, field(FIELD.gaps));
  const gapCount = presetCoverage ? Math.round(preset.gaps.fraction * landCount) : 0;
  claimTop(gapScore, open, gapCount, truth, NO_COVERAGE);
  const coveredCount = landCount - gapCount;

  const intensity = new Float32Array(n).fill(1);
  const placements: [number, number, TerrainPreference, number][] = [
    [LANDSLIDE, preset.fractions.landslide, preset.preferences.landslide, FIELD.landslide],
    [SUBSIDENCE, preset.fractions.subsidence, preset.preferences.subsidence, FIELD.subsidence],
    [FROST_HEAVE, preset.fractions.frostHeave, preset.preferences.frostHeave, FIELD.frostHeave],
  ];
  for (const [regime, fraction, preference, fieldId] of placements) {
    const score = placementScore(preference, elevation, steepness, field(fieldId));
    const count = Math.max(1, Math.round(fraction * coveredCount));
    const { threshold, core } = claimTop(score, open, count, truth, regime);
    const spread = core > threshold ? core - threshold : 1;
    for (let i = 0; i < n; i++) {
      if (truth[i] === regime) intensity[i] = Math.min(1, (score[i] - threshold) / spread);
    }
  }
  // Stable ground is every pixel still open; its intensity is unused.
  smoothLabels(truth, intensity, width, height);
  if (!presetCoverage) {
    // After the majority pass, so the pattern's ragged edges and isolated pixels stay as drawn.
    const mask = coverageMask(coverage.pattern as Exclude<CoveragePattern, 'preset'>, width, height, coverage.validShare, cell, seed);
    for (let i = 0; i < n; i++) if (mask[i] === 0) truth[i] = NO_COVERAGE;
  }
  return { truth, heightMetres, slopeDegrees, steepness, intensity };
}

/**
 * Normalised elevation (0 at the shore, ~1 on the highest ground) and the water
 * mask of a preset: the fjord along one side, land rising from it, a valley.
 */
function terrain(
  preset: PresetDefinition,
  width: number,
  height: number,
  roughness: Float32Array,
  shore: Float32Array,
  valleyWobble: Float32Array,
): { elevation: Float32Array; water: Uint8Array } {
  const elevation = new Float32Array(width * height);
  const water = new Uint8Array(width * height);
  const { coast, valley } = preset;
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const u = (x + 0.5) / width;
      const inland = (coast.side === 'west' ? u : v) - coast.position - coast.raggedness * shore[i];
      if (inland < 0) {
        water[i] = 1;
        continue;
      }
      const rise = 1 - Math.exp(-inland / preset.landRise);
      let e = rise * Math.min(1, Math.max(0.08, 0.6 + 0.28 * roughness[i]));
      if (valley) {
        const across = (valley.runs === 'east-west' ? v : u) - valley.position - 0.04 * valleyWobble[i];
        e *= 1 - valley.depth * Math.exp(-((across / valley.halfWidth) ** 2));
      }
      elevation[i] = e;
    }
  }
  return { elevation, water };
}

/** Terrain slope from central differences of the height, in degrees. */
function slopeInDegrees(heightMetres: Float32Array, width: number, height: number, pixelSize: number): Float32Array {
  const gradient = gradientMagnitude(heightMetres, width, height, pixelSize, pixelSize);
  for (let i = 0; i < gradient.length; i++) gradient[i] = (Math.atan(gradient[i]) * 180) / Math.PI;
  return gradient;
}

/**
 * Slope of the normalised elevation per scene width, divided by the 90th
 * percentile on land: a size-independent "how steep for this scene" measure.
 */
function relativeSteepness(elevation: Float32Array, width: number, height: number, water: Uint8Array): Float32Array {
  const steepness = gradientMagnitude(elevation, width, height, 1 / width, 1 / height);
  const land = new Uint8Array(water.length);
  for (let i = 0; i < land.length; i++) land[i] = water[i] ? 0 : 1;
  const p90 = topQuantile(steepness, land, Math.max(1, Math.round(0.1 * countOnes(land))));
  const scale = p90 > 0 ? 1 / p90 : 1;
  for (let i = 0; i < steepness.length; i++) steepness[i] *= scale;
  return steepness;
}

function gradientMagnitude(values: Float32Array, width: number, height: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = Math.max(0, y - 1);
    const down = Math.min(height - 1, y + 1);
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - 1);
      const right = Math.min(width - 1, x + 1);
      const gx = (values[y * width + right] - values[y * width + left]) / ((right - left || 1) * dx);
      const gy = (values[down * width + x] - values[up * width + x]) / ((down - up || 1) * dy);
      out[y * width + x] = Math.hypot(gx, gy);
    }
  }
  return out;
}

function placementScore(
  preference: TerrainPreference,
  elevation: Float32Array,
  steepness: Float32Array,
  randomField: Float32Array,
): Float32Array {
  const score = new Float32Array(elevation.length);
  for (let i = 0; i < score.length; i++) {
    score[i] =
      preference.elevation * elevation[i] +
      preference.slope * Math.min(1.5, steepness[i]) -
      preference.midElevation * 2 * Math.abs(elevation[i] - 0.45) +
      0.9 * randomField[i];
  }
  return score;
}

/**
 * Gives `label` to about `count` open pixels with the highest score and closes
 * them. Returns the score threshold and the score of the patch cores (top half).
 */
function claimTop(
  score: Float32Array,
  open: Uint8Array,
  count: number,
  truth: Uint8Array,
  label: number,
): { threshold: number; core: number } {
  if (count <= 0) return { threshold: Infinity, core: Infinity };
  const threshold = topQuantile(score, open, count);
  const core = topQuantile(score, open, Math.max(1, Math.round(count / 2)));
  for (let i = 0; i < score.length; i++) {
    if (open[i] && score[i] >= threshold) {
      truth[i] = label;
      open[i] = 0;
    }
  }
  return { threshold, core };
}

/**
 * One 3 x 3 majority pass over the labels: removes one-pixel slivers and
 * ragged edges where two rankings meet, which no real regime boundary has.
 * Skipped if it would wipe out a label, so every regime stays present.
 */
function smoothLabels(truth: Uint8Array, intensity: Float32Array, width: number, height: number): void {
  const smoothed = truth.slice();
  const votes = new Uint8Array(256);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let winner = truth[i];
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const label = truth[yy * width + xx];
          if (++votes[label] >= 5) winner = label;
        }
      }
      smoothed[i] = winner;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = Math.min(height - 1, Math.max(0, y + dy));
          const xx = Math.min(width - 1, Math.max(0, x + dx));
          votes[truth[yy * width + xx]] = 0;
        }
      }
    }
  }
  if (distinctLabels(smoothed) < distinctLabels(truth)) return;
  for (let i = 0; i < truth.length; i++) {
    // A pixel that changed regime sits on a patch edge: give it a weak, edge-like signal.
    if (smoothed[i] !== truth[i]) intensity[i] = 0.3;
    truth[i] = smoothed[i];
  }
}

function distinctLabels(labels: Uint8Array): number {
  const seen = new Uint8Array(256);
  let distinct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!seen[labels[i]]) {
      seen[labels[i]] = 1;
      distinct++;
    }
  }
  return distinct;
}
