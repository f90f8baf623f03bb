import { describe, expect, it } from 'vitest';
import { assertGridGeometry, groundDistancesForRow, type GridGeometry } from '../src/graph/groundDistance.js';
import { neighbourOffsets, type NeighbourOffsets } from '../src/graph/offsets.js';
import { hashIndex, sampleNeighbours } from '../src/graph/sampling.js';
import { WEIGHT_FUNCTIONS, isWeightName, weightsFromDistances } from '../src/graph/weights.js';
import { testRandom } from './helpers/testRandom.js';

function offsetPairs(offsets: NeighbourOffsets): [number, number][] {
  return Array.from(offsets.dx, (dx, k) => [dx, offsets.dy[k]]);
}


function popcount(value: number): number {
  let v = value >>> 0;
  let count = 0;
  while (v !== 0) {
    v &= v - 1;
    count++;
  }
  return count;
}

describe('neighbourOffsets', () => {
  it('gives the von Neumann neighbourhood at radius 1, connectivity 4, row-major', () => {
    expect(offsetPairs(neighbourOffsets(1, 4))).toEqual([
      [0, -1],
      [-1, 0],
      [1, 0],
      [0, 1],
    ]);
  });

  it('gives the Moore neighbourhood at radius 1, connectivity 8, row-major', () => {
    expect(offsetPairs(neighbourOffsets(1, 8))).toEqual([
      [-1, -1],
      [0, -1],
      [1, -1],
      [-1, 0],
      [1, 0],
      [-1, 1],
      [0, 1],
      [1, 1],
    ]);
  });

  it('gives the disc dx²+dy² <= r² above radius 1, ignoring connectivity', () => {
    const radius2 = offsetPairs(neighbourOffsets(2, 4));
    expect(radius2).toEqual(offsetPairs(neighbourOffsets(2, 8)));
    // Hand count: 5x5 square (25) minus 4 corners (8 > 4) minus 8 knight moves (5 > 4) minus centre = 12.
    expect(radius2).toEqual([
      [0, -2],
      [-1, -1],
      [0, -1],
      [1, -1],
      [-2, 0],
      [-1, 0],
      [1, 0],
      [2, 0],
      [-1, 1],
      [0, 1],
      [1, 1],
      [0, 2],
    ]);
    // Gauss circle count N(3) = 29 lattice points, minus the centre.
    expect(neighbourOffsets(3, 8).dx.length).toBe(28);
  });

  it('rejects radii that are not positive integers and bad connectivity', () => {
    expect(() => neighbourOffsets(0, 8)).toThrow(RangeError);
    expect(() => neighbourOffsets(1.5, 8)).toThrow(/positive integer/);
    expect(() => neighbourOffsets(1, 6 as 4)).toThrow(/connectivity/);
  });
});

describe('groundDistancesForRow on a projected grid', () => {
  const moore = neighbourOffsets(1, 8);
  const diagonal = Math.SQRT2 * 10;

  it('measures 10 m pixels in metres, the same on every row', () => {
    const grid: GridGeometry = { geoTransform: [500000, 10, 0, 7800000, 0, -10], geographic: false, metresPerUnit: 1 };
    const expected = [diagonal, 10, diagonal, 10, 10, diagonal, 10, diagonal];
    expect(Array.from(groundDistancesForRow(grid, 0, moore))).toEqual(expected.map((d) => expect.closeTo(d, 12)));
    expect(groundDistancesForRow(grid, 5000, moore)).toEqual(groundDistancesForRow(grid, 0, moore));
  });

  it('scales CRS units to metres and handles rectangular pixels', () => {
    const feet: GridGeometry = { geoTransform: [0, 10, 0, 0, 0, -20], geographic: false, metresPerUnit: 0.3048 };
    const distances = groundDistancesForRow(feet, 3, neighbourOffsets(1, 8));
    expect(distances[1]).toBeCloseTo(20 * 0.3048, 12); // (0, -1): one row up
    expect(distances[3]).toBeCloseTo(10 * 0.3048, 12); // (-1, 0): one column left
    expect(distances[0]).toBeCloseTo(Math.hypot(10, 20) * 0.3048, 12);
  });

  it('follows the rotation terms of the geotransform', () => {
    // Columns of the affine map are (6, 8) and (8, -6): orthogonal, 10 units long.
    const rotated: GridGeometry = { geoTransform: [0, 6, 8, 0, 8, -6], geographic: false, metresPerUnit: 1 };
    const expected = [diagonal, 10, diagonal, 10, 10, diagonal, 10, diagonal];
    expect(Array.from(groundDistancesForRow(rotated, 0, moore))).toEqual(expected.map((d) => expect.closeTo(d, 12)));
  });
});

describe('groundDistancesForRow on a geographic grid at 78 N', () => {
  // Row 0's pixel centres lie at exactly 78 N, column 0's at 15 E.
  const fine: GridGeometry = { geoTransform: [14.99975, 0.0005, 0, 78.00025, 0, -0.0005], geographic: true, metresPerUnit: 1 };
  const coarse: GridGeometry = { geoTransform: [14.995, 0.01, 0, 78.005, 0, -0.01], geographic: true, metresPerUnit: 1 };
  const moore = neighbourOffsets(1, 8);
  const indexOf = (offsets: NeighbourOffsets, dx: number, dy: number): number =>
    offsetPairs(offsets).findIndex(([x, y]) => x === dx && y === dy);

  // Reference distances: `geod +ellps=WGS84 -I -F %.6f` (PROJ 9.1.1, GeographicLib's Karney algorithm).
  const cases: [string, GridGeometry, number, number, number, number][] = [
    ['0.0005 deg east', fine, 1, 1, 0, 11.609551],
    ['0.0005 deg south', fine, 1, 0, 1, 55.822593],
    ['0.0005 deg north-east', fine, 1, 1, -1, 57.017],
    ['0.01 deg east', coarse, 1, 1, 0, 232.191022],
    ['0.01 deg south-east', coarse, 1, 1, 1, 1140.359953],
    ['0.02 deg north', coarse, 2, 0, -2, 2232.905353],
  ];
  it.each(cases)('matches the WGS84 geodesic for %s within 0.1 %%', (_name, grid, radius, dx, dy, geodesic) => {
    const offsets = neighbourOffsets(radius, 8);
    const k = indexOf(offsets, dx, dy);
    expect(k).toBeGreaterThanOrEqual(0);
    const distance = groundDistancesForRow(grid, 0, offsets)[k];
    expect(Math.abs(distance - geodesic) / geodesic).toBeLessThan(1e-3);
    // The local ellipsoidal approximation is in fact far better than the contract asks.
    expect(Math.abs(distance - geodesic) / geodesic).toBeLessThan(1e-5);
  });

  it('makes east-west spacing about cos(78°)·N/M of north-south spacing for square-degree pixels', () => {
    const distances = groundDistancesForRow(fine, 0, moore);
    const eastWest = distances[indexOf(moore, 1, 0)];
    const northSouth = distances[indexOf(moore, 0, 1)];
    const e2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
    const sin78 = Math.sin((78 * Math.PI) / 180);
    const nOverM = (1 - e2 * sin78 * sin78) / (1 - e2);
    const expectedRatio = Math.cos((78 * Math.PI) / 180) * nOverM;
    expect(eastWest / northSouth).toBeCloseTo(expectedRatio, 4);
    // "a degree of longitude is about a fifth of a degree of latitude"
    expect(eastWest / northSouth).toBeGreaterThan(0.2);
    expect(eastWest / northSouth).toBeLessThan(0.21);
  });

  it('depends on the row: east-west spacing grows southwards', () => {
    const north = groundDistancesForRow(coarse, 0, moore)[indexOf(moore, 1, 0)];
    const south = groundDistancesForRow(coarse, 800, moore)[indexOf(moore, 1, 0)]; // 8 degrees further south
    const expected = Math.cos((70 * Math.PI) / 180) / Math.cos((78 * Math.PI) / 180);
    expect(south / north).toBeCloseTo(expected, 2);
  });

  it('rejects rotated geographic grids and malformed geotransforms', () => {
    expect(() => assertGridGeometry({ geoTransform: [0, 0.01, 0.001, 78, 0, -0.01], geographic: true, metresPerUnit: 1 })).toThrow(
      /north-up/,
    );
    expect(() => assertGridGeometry({ geoTransform: [0, 1, 0, 0, 0], geographic: false, metresPerUnit: 1 })).toThrow(/six/);
    expect(() => assertGridGeometry({ geoTransform: [0, 1, 0, 0, 0, 0], geographic: false, metresPerUnit: 1 })).toThrow(/degenerate/);
    expect(() => assertGridGeometry({ geoTransform: [0, 1, 0, 0, 0, -1], geographic: false, metresPerUnit: 0 })).toThrow(/metresPerUnit/);
  });
});

describe('WEIGHT_FUNCTIONS', () => {
  it('offers exactly uniform, idw and gaussian, in that order', () => {
    expect(Object.keys(WEIGHT_FUNCTIONS)).toEqual(['uniform', 'idw', 'gaussian']);
    expect(isWeightName('idw')).toBe(true);
    expect(isWeightName('toString')).toBe(false);
  });

  it('computes 1, 1/d and exp(-d²/2σ²)', () => {
    expect(WEIGHT_FUNCTIONS.uniform(37, 5)).toBe(1);
    expect(WEIGHT_FUNCTIONS.idw(4, 5)).toBe(0.25);
    expect(WEIGHT_FUNCTIONS.gaussian(0, 5)).toBe(1);
    expect(WEIGHT_FUNCTIONS.gaussian(5, 5)).toBeCloseTo(Math.exp(-0.5), 15);
    expect(WEIGHT_FUNCTIONS.gaussian(10, 5)).toBeCloseTo(Math.exp(-2), 15);
  });

  it('tabulates weights per offset and refuses a gaussian without a positive sigma', () => {
    expect(Array.from(weightsFromDistances(Float64Array.of(2, 4), 'idw', 0))).toEqual([0.5, 0.25]);
    expect(() => weightsFromDistances(Float64Array.of(2), 'gaussian', 0)).toThrow(/sigma/);
    expect(() => weightsFromDistances(Float64Array.of(2), 'cosine' as 'idw', 1)).toThrow(/uniform, idw, gaussian/);
  });
});

describe('hashIndex', () => {
  it('is a deterministic unsigned 32-bit integer', () => {
    const h = hashIndex(42, 123456, 3);
    expect(hashIndex(42, 123456, 3)).toBe(h);
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });

  it('depends on seed, index, salt, and the high part of indices beyond 2^32', () => {
    const base = hashIndex(1, 1000, 0);
    expect(hashIndex(2, 1000, 0)).not.toBe(base);
    expect(hashIndex(1, 1001, 0)).not.toBe(base);
    expect(hashIndex(1, 1000, 1)).not.toBe(base);
    expect(hashIndex(1, 1000 + 2 ** 32, 0)).not.toBe(base);
    expect(hashIndex(1, 1000 + 2 ** 40, 0)).not.toBe(base);
  });

  it('avalanches: flipping one input bit flips about half the output bits', () => {
    const random = testRandom(7);
    let flipped = 0;
    let trials = 0;
    for (let i = 0; i < 300; i++) {
      const seed = Math.floor(random() * 2 ** 32);
      const index = Math.floor(random() * 2 ** 40);
      const salt = Math.floor(random() * 16);
      const h = hashIndex(seed, index, salt);
      for (let bit = 0; bit < 32; bit++) {
        const lowPart = index % 2 ** 32;
        const indexWithBitFlipped = index - lowPart + ((lowPart ^ (1 << bit)) >>> 0);
        flipped += popcount(h ^ hashIndex(seed, indexWithBitFlipped, salt));
        flipped += popcount(h ^ hashIndex((seed ^ (1 << bit)) >>> 0, index, salt));
        trials += 2;
      }
    }
    expect(flipped / trials).toBeGreaterThan(15.5);
    expect(flipped / trials).toBeLessThan(16.5);
  });

  it('spreads consecutive indices evenly over the low bits', () => {
    const buckets = new Array<number>(16).fill(0);
    const n = 16 * 4096;
    for (let index = 0; index < n; index++) buckets[hashIndex(9, index, 0) & 15]++;
    const expected = n / 16;
    const chiSquared = buckets.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquared).toBeLessThan(37.7); // 99.9th percentile of chi-squared with 15 degrees of freedom
  });
});

describe('sampleNeighbours', () => {
  /** Brute force: sort all candidates by (hash, offset), keep m, back to offset order. */
  function bruteForce(seed: number, globalIndex: number, candidates: number[], fanout: number): number[] {
    return candidates
      .map((k) => ({ k, hash: hashIndex(seed, globalIndex, k) }))
      .sort((a, b) => a.hash - b.hash || a.k - b.k)
      .slice(0, fanout)
      .map((entry) => entry.k)
      .sort((a, b) => a - b);
  }

  function sample(seed: number, globalIndex: number, candidates: number[], fanout: number | null): number[] {
    const kept = new Int32Array(candidates.length);
    const count = sampleNeighbours(seed, globalIndex, Int32Array.from(candidates), candidates.length, fanout, kept);
    return Array.from(kept.subarray(0, count));
  }

  it('keeps the m candidates with the smallest hashes, in window order', () => {
    const random = testRandom(11);
    for (let trial = 0; trial < 500; trial++) {
      const candidates = Array.from({ length: 28 }, (_, k) => k).filter(() => random() < 0.6);
      const fanout = 1 + Math.floor(random() * 6);
      const seed = Math.floor(random() * 1000);
      const globalIndex = Math.floor(random() * 2 ** 36);
      expect(sample(seed, globalIndex, candidates, fanout)).toEqual(bruteForce(seed, globalIndex, candidates, fanout));
    }
  });

  it('keeps every candidate without a fanout or when there are at most m', () => {
    expect(sample(1, 50, [0, 2, 5, 7], null)).toEqual([0, 2, 5, 7]);
    expect(sample(1, 50, [0, 2, 5], 3)).toEqual([0, 2, 5]);
    expect(sample(1, 50, [], 3)).toEqual([]);
  });

  it('gives the same answer with or without a caller-provided scratch buffer', () => {
    const candidates = Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7);
    const withScratch = new Int32Array(8);
    const count = sampleNeighbours(5, 999, candidates, 8, 3, withScratch, new Uint32Array(8));
    expect(Array.from(withScratch.subarray(0, count))).toEqual(sample(5, 999, Array.from(candidates), 3));
  });

  it('changes with the seed', () => {
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    let differing = 0;
    for (let index = 0; index < 200; index++) {
      if (sample(1, index, all, 3).join() !== sample(2, index, all, 3).join()) differing++;
    }
    // Two independent 3-of-8 draws coincide with probability 1/56.
    expect(differing).toBeGreaterThan(180);
  });

  it('depends on the candidate set only through its members, not on other pixels', () => {
    // A neighbour that is not kept can disappear without changing the choice.
    const all = [0, 1, 2, 3, 4, 5, 6, 7];
    const kept = sample(3, 4242, all, 3);
    const dropped = all.find((k) => !kept.includes(k)) as number;
    expect(sample(3, 4242, all.filter((k) => k !== dropped), 3)).toEqual(kept);
  });
});
