import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import {
  makeSynthScene,
  MAINLAND_STATIC_NAMES,
  PRESET_NAMES,
  PRESETS,
  REGIME_NAMES,
  SVALBARD_STATIC_NAMES,
  type SynthScene,
} from '../src/synth/index.js';

const NO_DATA = 255;
const [STABLE, SUBSIDENCE, FROST_HEAVE, LANDSLIDE] = [0, 1, 2, 3];
const EPSG_25833 = '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

/** Every band of a small scene, date-major: bands[d][pixel]. */
function allBands(scene: SynthScene): Float32Array[] {
  return scene.dates.map((_, d) => scene.displacementBand(d));
}

function daysBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;
}

/** Mean displacement curve of one regime, ignoring missing values. */
function regimeMeanCurve(scene: SynthScene, bands: Float32Array[], regime: number): number[] {
  return bands.map((band) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < band.length; i++) {
      if (scene.truth[i] === regime && !Number.isNaN(band[i])) {
        sum += band[i];
        count++;
      }
    }
    return sum / count;
  });
}

/** Least-squares fit of y = a + b t + c cos + s sin (t in years): rate b and seasonal amplitude. */
function fitTrendAndSeason(dates: string[], curve: number[]): { rate: number; amplitude: number; rms: number } {
  const rows = dates.map((d) => {
    const t = daysBetween(dates[0], d) / 365.25;
    return [1, t, Math.cos(2 * Math.PI * t), Math.sin(2 * Math.PI * t)];
  });
  const normal = Array.from({ length: 4 }, () => new Array<number>(5).fill(0));
  rows.forEach((r, k) => {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) normal[i][j] += r[i] * r[j];
      normal[i][4] += r[i] * curve[k];
    }
  });
  for (let i = 0; i < 4; i++) {
    for (let k = i + 1; k < 4; k++) {
      const f = normal[k][i] / normal[i][i];
      for (let j = i; j < 5; j++) normal[k][j] -= f * normal[i][j];
    }
  }
  const coef = new Array<number>(4).fill(0);
  for (let i = 3; i >= 0; i--) {
    let v = normal[i][4];
    for (let j = i + 1; j < 4; j++) v -= normal[i][j] * coef[j];
    coef[i] = v / normal[i][i];
  }
  const residual = rows.map((r, k) => curve[k] - r.reduce((acc, x, j) => acc + x * coef[j], 0));
  const rms = Math.sqrt(residual.reduce((a, e) => a + e * e, 0) / residual.length);
  return { rate: coef[1], amplitude: Math.hypot(coef[2], coef[3]), rms };
}

function sameNeighbourFraction(scene: SynthScene): number {
  const { width, height, truth } = scene;
  let same = 0;
  let pairs = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) {
        pairs++;
        if (truth[i] === truth[i + 1]) same++;
      }
      if (y + 1 < height) {
        pairs++;
        if (truth[i] === truth[i + width]) same++;
      }
    }
  }
  return same / pairs;
}

describe('synthetic scenes: determinism', () => {
  it('gives the same bytes for the same options and different ones for another seed', () => {
    const options = { preset: 'lyngen' as const, width: 48, height: 40, nDates: 6, seed: 7 };
    const a = makeSynthScene(options);
    const b = makeSynthScene(options);
    const c = makeSynthScene({ ...options, seed: 8 });
    expect(Buffer.from(b.truth)).toEqual(Buffer.from(a.truth));
    for (const d of [0, 3, 5]) {
      expect(Buffer.from(b.displacementBand(d).buffer)).toEqual(Buffer.from(a.displacementBand(d).buffer));
    }
    for (let s = 0; s < a.staticNames.length; s++) {
      expect(Buffer.from(b.staticBand(s).buffer)).toEqual(Buffer.from(a.staticBand(s).buffer));
    }
    // Asking for a band twice, or out of order, gives the same band.
    expect(Buffer.from(a.displacementBand(3).buffer)).toEqual(Buffer.from(b.displacementBand(3).buffer));
    expect(Buffer.from(c.truth)).not.toEqual(Buffer.from(a.truth));
    expect(Buffer.from(c.displacementBand(3).buffer)).not.toEqual(Buffer.from(a.displacementBand(3).buffer));
    expect(a.parameters).toMatchObject({ preset: 'lyngen', width: 48, height: 40, nDates: 6, seed: 7, noise: 2 });
  });
});

describe('synthetic scenes: regimes', () => {
  it('has every regime in every preset at 32 x 32, whatever the seed', () => {
    for (const preset of PRESET_NAMES) {
      for (let seed = 0; seed < 8; seed++) {
        const scene = makeSynthScene({ preset, width: 32, height: 32, nDates: 2, seed });
        const present = new Set(scene.truth);
        for (let r = 0; r < REGIME_NAMES.length; r++) expect(present.has(r), `${preset} seed ${seed} regime ${r}`).toBe(true);
        expect(scene.regimeNames).toEqual(['stable', 'subsidence', 'frost_heave', 'landslide']);
      }
    }
  });

  it('lays regimes out in contiguous patches, not salt and pepper', () => {
    for (const preset of PRESET_NAMES) {
      for (const seed of [1, 2, 3]) {
        const scene = makeSynthScene({ preset, width: 128, height: 128, nDates: 2, seed });
        expect(sameNeighbourFraction(scene), `${preset} seed ${seed}`).toBeGreaterThan(0.9);
      }
    }
  });

  it('has truth 255 exactly where a pixel has no data at any date, and few missing dates elsewhere', () => {
    for (const preset of PRESET_NAMES) {
      const scene = makeSynthScene({ preset, width: 64, height: 48, nDates: 40, seed: 3 });
      const bands = allBands(scene);
      const statics = scene.staticNames.map((_, s) => scene.staticBand(s));
      let gaps = 0;
      let missing = 0;
      let covered = 0;
      let worstPixel = 0;
      for (let i = 0; i < scene.truth.length; i++) {
        let missingHere = 0;
        for (const band of bands) if (Number.isNaN(band[i])) missingHere++;
        if (scene.truth[i] === NO_DATA) {
          gaps++;
          expect(missingHere).toBe(bands.length);
        } else {
          covered++;
          missing += missingHere;
          worstPixel = Math.max(worstPixel, missingHere / bands.length);
          expect(bands[0][i]).toBe(0); // the reference date is present and zero
        }
        for (const band of statics) expect(Number.isNaN(band[i])).toBe(scene.truth[i] === NO_DATA);
      }
      expect(gaps).toBeGreaterThan(0.05 * scene.truth.length); // water and vegetation or glaciers exist
      expect(missing / (covered * bands.length)).toBeGreaterThan(0.015);
      expect(missing / (covered * bands.length)).toBeLessThan(0.045);
      expect(worstPixel).toBeLessThan(0.2);
    }
  });
});

describe('synthetic scenes: regime curves', () => {
  const scenes = PRESET_NAMES.map((preset) => {
    const scene = makeSynthScene({ preset, width: 96, height: 96, seed: 11 });
    const bands = allBands(scene);
    return { preset, scene, bands, curves: [0, 1, 2, 3].map((r) => regimeMeanCurve(scene, bands, r)) };
  });

  it('covers about four years every 12 days by default, from the start date', () => {
    for (const { scene } of scenes) {
      expect(scene.dates[0]).toBe('2019-01-04');
      for (let d = 1; d < scene.dates.length; d++) expect(daysBetween(scene.dates[d - 1], scene.dates[d])).toBe(12);
      const years = daysBetween(scene.dates[0], scene.dates[scene.dates.length - 1]) / 365.25;
      expect(years).toBeGreaterThan(3.8);
      expect(years).toBeLessThan(4.2);
    }
    const six = makeSynthScene({ preset: 'nordnes', width: 8, height: 8, intervalDays: 6, nDates: 5, startDate: '2020-02-26' });
    expect(six.dates).toEqual(['2020-02-26', '2020-03-03', '2020-03-09', '2020-03-15', '2020-03-21']);
  });

  it('keeps stable ground still and makes subsidence sink linearly', () => {
    for (const { preset, scene, curves } of scenes) {
      const stable = fitTrendAndSeason(scene.dates, curves[STABLE]);
      expect(Math.abs(stable.rate), preset).toBeLessThan(1);
      expect(stable.amplitude, preset).toBeLessThan(1.5);
      const subsidence = fitTrendAndSeason(scene.dates, curves[SUBSIDENCE]);
      expect(subsidence.rate, preset).toBeLessThan(-4);
      expect(subsidence.amplitude, preset).toBeLessThan(1.5);
      expect(subsidence.rms, preset).toBeLessThan(2); // linear: the fit leaves only noise
    }
  });

  it('makes frost heave seasonal with a small trend, lowest after the summer thaw', () => {
    for (const { preset, scene, curves } of scenes) {
      const frost = fitTrendAndSeason(scene.dates, curves[FROST_HEAVE]);
      expect(frost.amplitude, preset).toBeGreaterThan(3);
      expect(Math.abs(frost.rate), preset).toBeLessThan(3);
      // Within the last full year the curve bottoms out between August and November.
      const lastYear = scene.dates.map((d, k) => [d, curves[FROST_HEAVE][k]] as const).filter(([d]) => d.startsWith('2021'));
      const lowest = lastYear.reduce((a, b) => (b[1] < a[1] ? b : a));
      const month = Number(lowest[0].slice(5, 7));
      expect(month, `${preset} lowest ${lowest[0]}`).toBeGreaterThanOrEqual(8);
      expect(month, `${preset} lowest ${lowest[0]}`).toBeLessThanOrEqual(11);
    }
  });

  it('moves landslides tens of mm a year, mostly in the snow-free summer', () => {
    for (const { preset, scene, curves } of scenes) {
      const curve = curves[LANDSLIDE];
      let summer = 0;
      let winter = 0;
      for (let d = 1; d < curve.length; d++) {
        const month = Number(scene.dates[d].slice(5, 7));
        const step = curve[d] - curve[d - 1];
        if (month >= 7 && month <= 9) summer += step;
        if (month >= 11 || month <= 4) winter += step;
      }
      const years = daysBetween(scene.dates[0], scene.dates[scene.dates.length - 1]) / 365.25;
      expect(curve[curve.length - 1] / years, preset).toBeLessThan(-15);
      expect(summer, preset).toBeLessThan(0);
      expect(Math.abs(winter), preset).toBeLessThan(0.2 * Math.abs(summer));
    }
  });
});

describe('synthetic scenes: static layers', () => {
  it('names the layers of each product', () => {
    expect(makeSynthScene({ preset: 'lyngen', width: 8, height: 8, nDates: 2 }).staticNames).toEqual(MAINLAND_STATIC_NAMES);
    expect(MAINLAND_STATIC_NAMES).toEqual(['height', 'mean_velocity', 'temporal_coherence', 'amplitude_dispersion']);
    expect(makeSynthScene({ preset: 'svalbard', width: 8, height: 8, nDates: 2 }).staticNames).toEqual(SVALBARD_STATIC_NAMES);
    expect(SVALBARD_STATIC_NAMES).toEqual(['elevation', 'max_displacement', 'coherence', 'dem_error', 'slope', 'max_displacement_doy']);
  });

  it('makes mean velocity the least-squares rate of each pixel curve', () => {
    const scene = makeSynthScene({ preset: 'nordnes', width: 40, height: 32, nDates: 60, noise: 0, missingFraction: 0 });
    const bands = allBands(scene);
    const velocity = scene.staticBand(scene.staticNames.indexOf('mean_velocity'));
    const years = scene.dates.map((d) => daysBetween(scene.dates[0], d) / 365.25);
    const meanT = years.reduce((a, b) => a + b) / years.length;
    const varT = years.reduce((a, t) => a + (t - meanT) ** 2, 0);
    for (let i = 0; i < scene.truth.length; i += 3) {
      if (scene.truth[i] === NO_DATA) continue;
      const values = bands.map((b) => b[i]);
      const meanV = values.reduce((a, b) => a + b) / values.length;
      const slope = values.reduce((a, v, k) => a + (years[k] - meanT) * (v - meanV), 0) / varT;
      expect(velocity[i]).toBeCloseTo(slope, 1);
    }
  });

  it('ties static values to the regimes', () => {
    const scene = makeSynthScene({ preset: 'lyngen', width: 96, height: 96, seed: 4 });
    const regimeMean = (name: string, regime: number) => {
      const band = scene.staticBand(scene.staticNames.indexOf(name));
      let sum = 0;
      let count = 0;
      for (let i = 0; i < band.length; i++) {
        if (scene.truth[i] === regime) {
          sum += band[i];
          count++;
        }
      }
      return sum / count;
    };
    expect(Math.abs(regimeMean('mean_velocity', STABLE))).toBeLessThan(1);
    expect(regimeMean('mean_velocity', SUBSIDENCE)).toBeLessThan(-4);
    expect(regimeMean('mean_velocity', LANDSLIDE)).toBeLessThan(regimeMean('mean_velocity', SUBSIDENCE));
    expect(regimeMean('temporal_coherence', LANDSLIDE)).toBeLessThan(regimeMean('temporal_coherence', STABLE) - 0.15);
    expect(regimeMean('amplitude_dispersion', LANDSLIDE)).toBeGreaterThan(regimeMean('amplitude_dispersion', STABLE));
    expect(regimeMean('height', SUBSIDENCE)).toBeLessThan(regimeMean('height', FROST_HEAVE));
  });

  it('derives Svalbard max displacement, its day of year and slope from the curves and terrain', () => {
    const scene = makeSynthScene({ preset: 'svalbard', width: 64, height: 64, noise: 0, atmosphere: 0, missingFraction: 0 });
    const bands = allBands(scene);
    const band = (name: string) => scene.staticBand(scene.staticNames.indexOf(name));
    const [maxDisplacement, dayOfYear, slope] = [band('max_displacement'), band('max_displacement_doy'), band('slope')];
    for (let i = 0; i < scene.truth.length; i += 5) {
      if (scene.truth[i] === NO_DATA) continue;
      let extreme = 0;
      let at = 0;
      bands.forEach((b, d) => {
        if (Math.abs(b[i]) > Math.abs(extreme)) [extreme, at] = [b[i], d];
      });
      expect(maxDisplacement[i]).toBeCloseTo(extreme, 3);
      const date = new Date(`${scene.dates[at]}T00:00:00Z`);
      const doy = Math.round((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
      expect(dayOfYear[i]).toBe(doy);
      expect(slope[i]).toBeGreaterThanOrEqual(0);
      expect(slope[i]).toBeLessThan(90);
    }
    const meanSlope = (regime: number) => {
      let sum = 0;
      let count = 0;
      scene.truth.forEach((t, i) => {
        if (t === regime) [sum, count] = [sum + slope[i], count + 1];
      });
      return sum / count;
    };
    expect(meanSlope(LANDSLIDE)).toBeGreaterThan(meanSlope(FROST_HEAVE));
  });
});

describe('synthetic scenes: georeferencing', () => {
  it('centres the UTM 33N grid on the preset place', () => {
    for (const preset of PRESET_NAMES) {
      const scene = makeSynthScene({ preset, width: 200, height: 150, nDates: 2 });
      const [x0, px, rotX, y0, rotY, py] = scene.geoTransform;
      expect(scene.epsg).toBe(25833);
      expect([rotX, rotY]).toEqual([0, 0]);
      expect(px).toBe(PRESETS[preset].pixelSize);
      expect(py).toBe(-PRESETS[preset].pixelSize);
      const [lon, lat] = proj4(EPSG_25833, 'EPSG:4326', [x0 + 100 * px, y0 + 75 * py]);
      // The origin snaps to whole pixels, so the centre is within a pixel of the place, on the ground.
      const { centreLon, centreLat } = PRESETS[preset];
      const metresEast = (lon - centreLon) * 111_320 * Math.cos((centreLat * Math.PI) / 180);
      const metresNorth = (lat - centreLat) * 111_320;
      expect(Math.hypot(metresEast, metresNorth), preset).toBeLessThan(px);
    }
  });

  it('covers the Lyngen area by default', () => {
    const scene = makeSynthScene({ preset: 'lyngen', nDates: 2 });
    const [x0, px, , y0, , py] = scene.geoTransform;
    const corners = [
      [x0, y0],
      [x0 + scene.width * px, y0],
      [x0, y0 + scene.height * py],
      [x0 + scene.width * px, y0 + scene.height * py],
    ].map((c) => proj4(EPSG_25833, 'EPSG:4326', c));
    for (const [lon, lat] of corners) {
      expect(lon).toBeGreaterThan(19.3);
      expect(lon).toBeLessThan(19.67);
      expect(lat).toBeGreaterThan(69.31);
      expect(lat).toBeLessThan(69.47);
    }
  });

  it('gives a geographic version whose degrees match the ground pixel size at 78 N', () => {
    const scene = makeSynthScene({ preset: 'svalbard', width: 100, height: 80, nDates: 2, crs: 4326, pixelSize: 50 });
    const [lon0, dLon, , lat0, , negDLat] = scene.geoTransform;
    const dLat = -negDLat;
    expect(scene.epsg).toBe(4326);
    const phi = (78.2 * Math.PI) / 180;
    const e2 = 0.00669438;
    const w2 = 1 - e2 * Math.sin(phi) ** 2;
    const meridional = (6378137 * (1 - e2)) / w2 ** 1.5;
    const primeVertical = 6378137 / Math.sqrt(w2);
    expect(dLon / dLat).toBeCloseTo((1 / Math.cos(phi)) * (meridional / primeVertical), 4);
    expect(dLon / dLat).toBeGreaterThan(4.5);
    expect(dLat * meridional * (Math.PI / 180)).toBeCloseTo(50, 6);
    expect(lon0 + 50 * dLon).toBeCloseTo(15.6, 9);
    expect(lat0 - 40 * dLat).toBeCloseTo(78.2, 9);
    // 100 pixels of 50 m: 5 km, about 0.22 degrees of longitude at 78.2 N.
    expect(100 * dLon).toBeGreaterThan(0.2);
    expect(100 * dLon).toBeLessThan(0.24);
  });
});

/** Nearest regime-mean-curve classification: the oracle version of clustering. */
function nearestCurveAccuracy(scene: SynthScene, bands: Float32Array[], centres: number[][]): number {
  let right = 0;
  let total = 0;
  for (let i = 0; i < scene.truth.length; i++) {
    if (scene.truth[i] === NO_DATA) continue;
    let best = -1;
    let bestDistance = Infinity;
    centres.forEach((centre, r) => {
      let distance = 0;
      bands.forEach((band, d) => {
        if (!Number.isNaN(band[i])) distance += (band[i] - centre[d]) ** 2;
      });
      if (distance < bestDistance) [best, bestDistance] = [r, distance];
    });
    total++;
    if (best === scene.truth[i]) right++;
  }
  return right / total;
}

/** Three hops of the design's smoothing: x = 0.5 x + 0.5 mean of covered 8-neighbours. */
function smoothThreeHops(scene: SynthScene, bands: Float32Array[]): Float32Array[] {
  const { width, height, truth } = scene;
  return bands.map((original) => {
    let current = original.map((v, i) => (Number.isNaN(v) && truth[i] !== NO_DATA ? 0 : v));
    for (let hop = 0; hop < 3; hop++) {
      const next = current.slice();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          if (truth[i] === NO_DATA) continue;
          let sum = 0;
          let count = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const [xx, yy] = [x + dx, y + dy];
              if ((dx || dy) && xx >= 0 && yy >= 0 && xx < width && yy < height && truth[yy * width + xx] !== NO_DATA) {
                sum += current[yy * width + xx];
                count++;
              }
            }
          }
          if (count > 0) next[i] = 0.5 * current[i] + (0.5 * sum) / count;
        }
      }
      current = next;
    }
    return current;
  });
}

describe('synthetic scenes: recoverable regimes', () => {
  it('separates regimes after smoothing clearly better than pixel by pixel', () => {
    for (const preset of PRESET_NAMES) {
      const scene = makeSynthScene({ preset, width: 160, height: 160, seed: 2, nDates: 60 });
      const bands = allBands(scene);
      const centres = [0, 1, 2, 3].map((r) => regimeMeanCurve(scene, bands, r));
      const raw = nearestCurveAccuracy(scene, bands, centres);
      const smoothed = nearestCurveAccuracy(scene, smoothThreeHops(scene, bands), centres);
      expect(smoothed, preset).toBeGreaterThan(0.88);
      // Noise costs per-pixel accuracy that smoothing wins back: a clear cut in the error rate.
      expect(1 - smoothed, `${preset}: raw ${raw} smoothed ${smoothed}`).toBeLessThan(0.8 * (1 - raw));
    }
  });

  it('gives clean, perfectly separable curves without noise', () => {
    const scene = makeSynthScene({ preset: 'lyngen', width: 64, height: 64, nDates: 40, noise: 0, missingFraction: 0 });
    const bands = allBands(scene);
    const centres = [0, 1, 2, 3].map((r) => regimeMeanCurve(scene, bands, r));
    expect(nearestCurveAccuracy(scene, bands, centres)).toBeGreaterThan(0.97);
  });
});

describe('synthetic scenes: options', () => {
  it('rejects impossible options with a usage error naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ preset: 'oslo' }, /preset/],
      [{ preset: 'lyngen', width: 0 }, /width/],
      [{ preset: 'lyngen', height: 2.5 }, /height/],
      [{ preset: 'lyngen', nDates: 0 }, /nDates/],
      [{ preset: 'lyngen', intervalDays: 7 }, /intervalDays/],
      [{ preset: 'lyngen', startDate: '2021-02-30' }, /startDate/],
      [{ preset: 'lyngen', noise: -1 }, /noise/],
      [{ preset: 'lyngen', crs: 3857 }, /crs/],
      [{ preset: 'lyngen', pixelSize: 0 }, /pixelSize/],
      [{ preset: 'lyngen', seed: -1 }, /seed/],
    ];
    for (const [options, message] of bad) {
      expect(() => makeSynthScene(options as never)).toThrow(UsageError);
      expect(() => makeSynthScene(options as never)).toThrow(message);
    }
  });

  it('refuses band indices outside the scene', () => {
    const scene = makeSynthScene({ preset: 'lyngen', width: 8, height: 8, nDates: 3 });
    expect(() => scene.displacementBand(3)).toThrow(RangeError);
    expect(() => scene.staticBand(4)).toThrow(RangeError);
  });
});
