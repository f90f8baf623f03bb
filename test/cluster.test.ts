import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndex,
  applyScaler,
  assignNearest,
  BottomKSample,
  coherenceCounts,
  fitBestOfRuns,
  fitMiniBatchKMeans,
  fitScaler,
  inertia,
  kmeansPlusPlus,
  orderCentresByVelocity,
  pixelUniform,
  SeededRandom,
  spatialCoherence,
  type KMeansModel,
  type MiniBatchOptions,
} from '../src/cluster/index.js';
import { testRandom } from './helpers/testRandom.js';


function testGaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface Blobs {
  data: Float32Array;
  truth: Int32Array;
  n: number;
  dim: number;
  means: number[][];
}

/** Gaussian blobs (sd 1) around the given means, `sizes[c]` points each, rows shuffled. */
function makeBlobs(means: number[][], sizes: number[], seed: number): Blobs {
  const uniform = testRandom(seed);
  const gauss = testGaussian(uniform);
  const dim = means[0].length;
  const truthList: number[] = [];
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++) truthList.push(c);
  });
  for (let i = truthList.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [truthList[i], truthList[j]] = [truthList[j], truthList[i]];
  }
  const n = truthList.length;
  const data = new Float32Array(n * dim);
  truthList.forEach((c, i) => {
    for (let f = 0; f < dim; f++) data[i * dim + f] = means[c][f] + gauss();
  });
  return { data, truth: Int32Array.from(truthList), n, dim, means };
}

const FIVE_D_MEANS = [
  [0, 0, 0, 0, 0],
  [20, 0, 0, 0, 0],
  [0, 20, 0, 0, 20],
  [0, 0, 20, -20, 0],
];

const baseOptions: MiniBatchOptions = { k: 4, batchSize: 64, warmStart: 1000, maxEpochs: 20, seed: 7 };

function labelsOf(model: KMeansModel, data: Float32Array, n: number): Int32Array {
  const labels = new Int32Array(n);
  assignNearest(model, data, n, labels);
  return labels;
}

function histogram(labels: Int32Array, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('fitMiniBatchKMeans', () => {
  const blobs = makeBlobs(FIVE_D_MEANS, [600, 500, 400, 300], 11);

  it('recovers well-separated 5-D blobs exactly (ARI = 1) and their means', () => {
    const fit = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, baseOptions);
    expect(adjustedRandIndex(labelsOf(fit.model, blobs.data, blobs.n), blobs.truth)).toBe(1);
    for (const mean of FIVE_D_MEANS) {
      let nearest = Infinity;
      for (let c = 0; c < 4; c++) {
        let d2 = 0;
        for (let f = 0; f < 5; f++) d2 += (fit.model.centres[c * 5 + f] - mean[f]) ** 2;
        nearest = Math.min(nearest, d2);
      }
      expect(Math.sqrt(nearest)).toBeLessThan(0.3);
    }
  });

  it('reports the training inertia as the mean squared distance to the nearest centre', () => {
    const fit = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, baseOptions);
    let total = 0;
    for (let i = 0; i < blobs.n; i++) {
      let best = Infinity;
      for (let c = 0; c < 4; c++) {
        let d2 = 0;
        for (let f = 0; f < 5; f++) d2 += (blobs.data[i * 5 + f] - fit.model.centres[c * 5 + f]) ** 2;
        best = Math.min(best, d2);
      }
      total += best;
    }
    expect(fit.trainInertia).toBeCloseTo(total / blobs.n, 9);
    // Unit-variance blobs in 5-D: about 5 per point.
    expect(fit.trainInertia).toBeGreaterThan(4.5);
    expect(fit.trainInertia).toBeLessThan(5.5);
  });

  it('reassigns a centre that starts far away from every point', () => {
    const init = new Float64Array(4 * 5);
    [FIVE_D_MEANS[0], FIVE_D_MEANS[1], FIVE_D_MEANS[2]].forEach((mean, c) => init.set(mean.map((x) => x + 3), c * 5));
    init.set([1000, 1000, 1000, 1000, 1000], 15);
    const fit = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, initialCentres: init });
    expect(fit.reassignments).toBeGreaterThan(0);
    for (const count of fit.model.counts) expect(count).toBeGreaterThan(0);
    const labels = labelsOf(fit.model, blobs.data, blobs.n);
    for (const size of histogram(labels, 4)) expect(size).toBeGreaterThan(0);
    expect(adjustedRandIndex(labels, blobs.truth)).toBe(1);
  });

  it('reassigns an empty duplicate centre (ties go to the lower index, so the copy never wins)', () => {
    const init = new Float64Array(4 * 5);
    init.set(FIVE_D_MEANS[0], 0);
    init.set(FIVE_D_MEANS[0], 5);
    init.set(FIVE_D_MEANS[1], 10);
    init.set(FIVE_D_MEANS[2], 15);
    const fit = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, initialCentres: init });
    expect(fit.reassignments).toBeGreaterThan(0);
    for (const count of fit.model.counts) expect(count).toBeGreaterThan(0);
    expect(adjustedRandIndex(labelsOf(fit.model, blobs.data, blobs.n), blobs.truth)).toBe(1);
  });

  it('is deterministic: same seed gives bit-identical centres, another seed differs', () => {
    const a = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, baseOptions);
    const b = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, baseOptions);
    const c = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, seed: 8 });
    expect(Buffer.from(a.model.centres.buffer).equals(Buffer.from(b.model.centres.buffer))).toBe(true);
    expect(Buffer.from(a.model.counts.buffer).equals(Buffer.from(b.model.counts.buffer))).toBe(true);
    expect(a.steps).toBe(b.steps);
    expect(Buffer.from(a.model.centres.buffer).equals(Buffer.from(c.model.centres.buffer))).toBe(false);
  });

  it('runs exactly maxEpochs passes of ceil(n / batchSize) steps when early stopping cannot fire', () => {
    const fit = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, maxEpochs: 2, maxNoImprovement: 1e6 });
    expect(fit.stopReason).toBe('max-epochs');
    expect(fit.converged).toBe(false);
    expect(fit.epochs).toBe(2);
    expect(fit.steps).toBe(2 * Math.ceil(1800 / 64));
  });

  it('stops early on no improvement of the smoothed inertia, or on small centre movement', () => {
    const plateau = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, maxEpochs: 500 });
    expect(plateau.stopReason).toBe('no-improvement');
    expect(plateau.converged).toBe(true);
    expect(plateau.epochs).toBeLessThan(500);

    const settled = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, { ...baseOptions, maxEpochs: 500, tol: 1e-3, maxNoImprovement: 1e6 });
    expect(settled.stopReason).toBe('centre-tolerance');
    expect(settled.epochs).toBeLessThan(500);
  });

  it('rejects impossible settings with a message naming the setting', () => {
    expect(() => fitMiniBatchKMeans(blobs.data, 3, 5, baseOptions)).toThrow(/at least k = 4/);
    expect(() => fitMiniBatchKMeans(blobs.data, blobs.n, 5, { ...baseOptions, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => fitMiniBatchKMeans(blobs.data, blobs.n, 5, { ...baseOptions, reassignmentRatio: 1 })).toThrow(/reassignmentRatio/);
  });
});

describe('fitBestOfRuns', () => {
  // Eight blobs on a 4 x 2 grid, close enough that a single fit now and then merges two of them.
  const GRID_MEANS = Array.from({ length: 8 }, (_v, i) => [(i % 4) * 5, Math.floor(i / 4) * 5]);
  const blobs = makeBlobs(GRID_MEANS, [300, 300, 300, 300, 300, 300, 300, 300], 41);
  const options = (seed: number): MiniBatchOptions => ({ k: 8, batchSize: 64, warmStart: 800, maxEpochs: 10, seed, nInit: 1 });

  it('with one run is the single fit, bit for bit', () => {
    const single = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, options(3));
    const best = fitBestOfRuns(blobs.data, blobs.n, blobs.dim, options(3), 1);
    expect(Array.from(best.model.centres)).toEqual(Array.from(single.model.centres));
    expect(best.runTrainInertias).toEqual([single.trainInertia]);
    expect(best.chosenRun).toBe(0);
  });

  it('keeps the run with the lowest training inertia, starting from the single fit, deterministically', () => {
    let improved = 0;
    for (let seed = 0; seed < 10; seed++) {
      const single = fitMiniBatchKMeans(blobs.data, blobs.n, blobs.dim, options(seed));
      const best = fitBestOfRuns(blobs.data, blobs.n, blobs.dim, options(seed), 3);
      expect(best.runTrainInertias).toHaveLength(3);
      expect(best.runTrainInertias[0]).toBe(single.trainInertia);
      expect(best.trainInertia).toBe(Math.min(...best.runTrainInertias));
      expect(best.runTrainInertias[best.chosenRun]).toBe(best.trainInertia);
      expect(best.runTrainInertias.indexOf(best.trainInertia)).toBe(best.chosenRun); // the first on a tie
      expect(inertia(best.model, blobs.data, blobs.n)).toBe(best.trainInertia);
      if (best.trainInertia < single.trainInertia * 0.95) improved++;
      const again = fitBestOfRuns(blobs.data, blobs.n, blobs.dim, options(seed), 3);
      expect(Array.from(again.model.centres)).toEqual(Array.from(best.model.centres));
    }
    expect(improved).toBeGreaterThan(0); // some single fits end in a poor local optimum that a restart avoids
  });

  it('refuses a run count that is not a whole number >= 1', () => {
    expect(() => fitBestOfRuns(blobs.data, blobs.n, blobs.dim, options(0), 0)).toThrow(/runs must be a whole number >= 1, got 0/);
    expect(() => fitBestOfRuns(blobs.data, blobs.n, blobs.dim, options(0), 1.5)).toThrow(/runs must be/);
  });
});

describe('kmeansPlusPlus', () => {
  const blobs = makeBlobs(FIVE_D_MEANS, [300, 300, 300, 300], 5);

  it('picks data rows, one in each well-separated blob, deterministically', () => {
    const a = kmeansPlusPlus(blobs.data, blobs.n, 5, 4, new SeededRandom(3));
    const b = kmeansPlusPlus(blobs.data, blobs.n, 5, 4, new SeededRandom(3));
    expect(Array.from(a.rowIndices)).toEqual(Array.from(b.rowIndices));
    const blobsHit = new Set(Array.from(a.rowIndices, (row) => blobs.truth[row]));
    expect(blobsHit.size).toBe(4);
    a.rowIndices.forEach((row, c) => {
      for (let f = 0; f < 5; f++) expect(a.centres[c * 5 + f]).toBe(blobs.data[row * 5 + f]);
    });
  });
});

describe('assignNearest and inertia', () => {
  const model: KMeansModel = { k: 2, dim: 2, centres: Float64Array.from([0, 0, 10, 0]), counts: new Float64Array(2) };
  const rows = Float32Array.from([1, 0, 9, 0, 0, 2, 5, 0]);

  it('labels rows by nearest centre, ties to the lower index, and sums squared distances', () => {
    const labels = new Uint8Array(4);
    const dist2 = new Float32Array(4);
    expect(assignNearest(model, rows, 4, labels, dist2)).toBe(1 + 1 + 4 + 25);
    expect(Array.from(labels)).toEqual([0, 1, 0, 0]);
    expect(Array.from(dist2)).toEqual([1, 1, 4, 25]);
    expect(inertia(model, rows, 3)).toBe(2);
  });

  it('refuses Uint8Array labels when k does not fit below the nodata label 255', () => {
    const big: KMeansModel = { k: 256, dim: 1, centres: new Float64Array(256), counts: new Float64Array(256) };
    expect(() => assignNearest(big, new Float32Array(1), 1, new Uint8Array(1))).toThrow(/Int32Array/);
  });
});

describe('SeededRandom', () => {
  it('repeats its sequence for a seed, stays in range and is roughly uniform', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const first = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(first);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(first);

    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let outOfRange = 0;
    const draws = 100_000;
    for (let i = 0; i < draws; i++) {
      const u = a.nextFloat();
      if (!(u >= 0 && u < 1)) outOfRange++;
      sum += u;
      bins[a.nextInt(10)]++;
    }
    expect(outOfRange).toBe(0);
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.005);
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile.
    const chi2 = bins.reduce((acc, count) => acc + (count - draws / 10) ** 2 / (draws / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });
});

describe('pixelUniform', () => {
  it('is a deterministic uniform in [0, 1) that separates seeds, streams and high index bits', () => {
    expect(pixelUniform(1, 12345, 0)).toBe(pixelUniform(1, 12345, 0));
    expect(pixelUniform(1, 12345, 0)).not.toBe(pixelUniform(1, 12345, 1));
    expect(pixelUniform(1, 12345, 0)).not.toBe(pixelUniform(2, 12345, 0));
    expect(pixelUniform(1, 12345, 0)).not.toBe(pixelUniform(1, 12345 + 2 ** 32, 0));

    const draws = 100_000;
    const bins = new Array<number>(16).fill(0);
    let sum = 0;
    let below = 0;
    let outOfRange = 0;
    for (let i = 0; i < draws; i++) {
      const u = pixelUniform(9, i, 0);
      if (!(u >= 0 && u < 1)) outOfRange++;
      sum += u;
      bins[Math.floor(u * 16)]++;
      // The two streams must be independent: P(u0 < 0.5 and u1 < 0.5) = 1/4.
      if (u < 0.5 && pixelUniform(9, i, 1) < 0.5) below++;
    }
    expect(outOfRange).toBe(0);
    expect(Math.abs(sum / draws - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(below / draws - 0.25)).toBeLessThan(0.006);
    // Chi-square with 15 degrees of freedom: 37.7 is the 0.999 quantile.
    const chi2 = bins.reduce((acc, count) => acc + (count - draws / 16) ** 2 / (draws / 16), 0);
    expect(chi2).toBeLessThan(37.7);
  });
});

describe('BottomKSample', () => {
  const total = 2000;
  const dim = 3;
  // Features encode the index so we can check rows travel with their items.
  const features = new Float32Array(total * dim);
  const keys = new Float64Array(total);
  for (let i = 0; i < total; i++) {
    features.set([i, -i, i % 7], i * dim);
    // Every fifth key is duplicated from its neighbour, so ties must be broken by index.
    keys[i] = i % 5 === 4 ? keys[i - 1] : pixelUniform(3, i, 0);
  }
  const expectedOrder = Array.from({ length: total }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

  function sampleOf(order: number[], capacity: number): BottomKSample {
    const sample = new BottomKSample(capacity, dim);
    for (const i of order) sample.offer(keys[i], i, features, i * dim);
    return sample;
  }

  it('keeps the capacity smallest (key, index) items, sorted, whatever the arrival order', () => {
    const inOrder = Array.from({ length: total }, (_, i) => i);
    const shuffled = inOrder.slice();
    const uniform = testRandom(99);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const a = sampleOf(inOrder, 150).finish();
    const b = sampleOf(shuffled, 150).finish();
    const c = sampleOf(inOrder.slice().reverse(), 150).finish();
    expect(a.n).toBe(150);
    expect(Array.from(a.indices)).toEqual(expectedOrder.slice(0, 150));
    for (const other of [b, c]) {
      expect(Array.from(other.indices)).toEqual(Array.from(a.indices));
      expect(Array.from(other.keys)).toEqual(Array.from(a.keys));
      expect(Array.from(other.data)).toEqual(Array.from(a.data));
    }
    a.indices.forEach((index, row) => {
      expect(a.data[row * dim]).toBe(index);
      expect(a.data[row * dim + 1]).toBe(-index);
      expect(a.keys[row]).toBe(keys[index]);
    });
  });

  it('breaks equal keys by global index, so a sample of all-equal keys keeps the lowest indices', () => {
    const sample = new BottomKSample(10, 1);
    const row = new Float32Array(1);
    const uniform = testRandom(5);
    const order = Array.from({ length: 100 }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const i of order) {
      row[0] = i;
      sample.offer(0.5, i, row, 0);
    }
    const result = sample.finish();
    expect(Array.from(result.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(result.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps everything (sorted) when fewer items than capacity arrive, and nothing at capacity 0', () => {
    const few = sampleOf([5, 3, 9], 10).finish();
    expect(few.n).toBe(3);
    expect(Array.from(few.indices)).toEqual([5, 3, 9].sort((a, b) => keys[a] - keys[b] || a - b));
    expect(sampleOf([1, 2, 3], 0).finish().n).toBe(0);
  });

  it('states the key above which nothing enters: Infinity until full, then the largest kept key', () => {
    const sample = new BottomKSample(150, dim);
    const order = Array.from({ length: total }, (_, i) => i);
    order.forEach((i, n) => {
      sample.offer(keys[i], i, features, i * dim);
      const kept = expectedOrder.filter((j) => j <= n).slice(0, 150);
      expect(sample.threshold).toBe(n + 1 < 150 ? Infinity : keys[kept[kept.length - 1]]);
    });
    expect(sampleOf([1, 2, 3], 0).threshold).toBe(-Infinity);
  });

  it('finished in place gives what finish gives, and is spent after', () => {
    for (const capacity of [0, 1, 150, total + 5]) {
      const copied = sampleOf(expectedOrder.slice().reverse(), capacity);
      const want = copied.finish();
      const inPlace = sampleOf(expectedOrder.slice().reverse(), capacity);
      const got = inPlace.finishInPlace();
      expect([got.n, Array.from(got.keys), Array.from(got.indices)]).toEqual([want.n, Array.from(want.keys), Array.from(want.indices)]);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
      expect(() => inPlace.finish()).toThrow(/finished in place/);
      expect(() => inPlace.offer(0, total + 1, features, 0)).toThrow(/finished in place/);
      expect(() => new BottomKSample(capacity, dim).merge(inPlace)).toThrow(/finished in place/);
    }
  });

  it('merging two halves equals one pass over everything', () => {
    const even = Array.from({ length: total / 2 }, (_, i) => 2 * i);
    const odd = even.map((i) => i + 1);
    const merged = sampleOf(odd, 200);
    merged.merge(sampleOf(even, 200));
    const whole = sampleOf(Array.from({ length: total }, (_, i) => i), 200).finish();
    const result = merged.finish();
    expect(Array.from(result.indices)).toEqual(Array.from(whole.indices));
    expect(Array.from(result.data)).toEqual(Array.from(whole.data));
  });
});

describe('orderCentresByVelocity', () => {
  it('puts the most negative velocity of the unscaled curve first, centres and counts moving together', () => {
    // Three centres over 3 dates a year apart plus one static feature; scaled by 2 around offset 10.
    const dayOffsets = Float64Array.of(0, 365.25, 730.5);
    const unscaled = [[0, 5, 10, 7], [0, -4, -8, 1], [0, 0, 0, 3]];
    const scaler = { layout: { nDynamic: 3, nStatic: 1, staticWeight: 1 }, offset: Float64Array.of(10, 10, 10, 0), scale: Float64Array.of(2, 2, 2, 1) };
    const centres = Float64Array.from(unscaled.flatMap((c) => c.map((v, f) => (f < 3 ? (v - 10) * 2 : v))));
    const model: KMeansModel = { k: 3, dim: 4, centres, counts: Float64Array.of(30, 10, 20) };
    const ordered = orderCentresByVelocity(model, scaler, 3, dayOffsets, true);
    expect(ordered.velocities.map((v) => Number(v.toFixed(9)))).toEqual([-4, 0, 5]);
    expect(Array.from(ordered.model.counts)).toEqual([10, 20, 30]);
    expect(Array.from(ordered.model.centres.subarray(0, 4))).toEqual(Array.from(centres.subarray(4, 8)));
  });
});

describe('fitScaler / applyScaler', () => {
  it('scales the dynamic block by one factor sqrt(sum of date variances) (hand-computed)', () => {
    // Dates d0: {1, 3} (mean 2, var 1) and d1: {2, 6} (mean 4, var 4): s_dyn = sqrt(5).
    const scaler = fitScaler(Float32Array.from([1, 2, 3, 6]), 2, { nDynamic: 2, nStatic: 0, staticWeight: 1 });
    expect(Array.from(scaler.offset)).toEqual([2, 4]);
    expect(scaler.scale[0]).toBeCloseTo(1 / Math.sqrt(5), 15);
    expect(scaler.scale[1]).toBe(scaler.scale[0]);
    const out = applyScaler(scaler, Float32Array.from([1, 2, 3, 6]), 2);
    const r5 = Math.sqrt(5);
    [-1 / r5, -2 / r5, 1 / r5, 2 / r5].forEach((expected, i) => expect(out[i]).toBeCloseTo(expected, 6));
  });

  it('keeps the dynamic shape, z-scores static layers, balances the blocks and guards constant features', () => {
    const n = 500;
    const layout = { nDynamic: 4, nStatic: 3, staticWeight: 2 };
    const dim = 7;
    const gauss = testGaussian(testRandom(17));
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const velocity = 5 * gauss();
      // Displacement grows with time: later dates vary more; the shape must survive.
      for (let d = 0; d < 4; d++) data[i * dim + d] = velocity * (d + 1) + 0.1 * gauss();
      data[i * dim + 4] = 1500 + 300 * gauss(); // height, m
      data[i * dim + 5] = 0.7 + 0.1 * gauss(); // coherence
      data[i * dim + 6] = 42; // constant layer
    }
    const scaler = fitScaler(data, n, layout);
    const scaled = applyScaler(scaler, data, n);

    const mean = new Float64Array(dim);
    const variance = new Float64Array(dim);
    const rawVariance = new Float64Array(dim);
    const rawMean = new Float64Array(dim);
    for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) { mean[f] += scaled[i * dim + f] / n; rawMean[f] += data[i * dim + f] / n; }
    for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) {
      variance[f] += (scaled[i * dim + f] - mean[f]) ** 2 / n;
      rawVariance[f] += (data[i * dim + f] - rawMean[f]) ** 2 / n;
    }
    for (let f = 0; f < dim; f++) expect(Math.abs(mean[f])).toBeLessThan(1e-5);
    // One factor for all dates: ratios of spreads between dates unchanged.
    for (let d = 1; d < 4; d++) expect(Math.sqrt(variance[d] / variance[0])).toBeCloseTo(Math.sqrt(rawVariance[d] / rawVariance[0]), 4);
    expect(variance[0] + variance[1] + variance[2] + variance[3]).toBeCloseTo(1, 4);
    // Each informative static layer: variance staticWeight^2 / nStatic.
    expect(variance[4]).toBeCloseTo(4 / 3, 4);
    expect(variance[5]).toBeCloseTo(4 / 3, 4);
    // The constant layer gets scale 0: finite zeros, never NaN.
    expect(scaler.scale[6]).toBe(0);
    for (let i = 0; i < n; i++) expect(scaled[i * dim + 6]).toBe(0);

    // In place, and a constant dynamic block also gets scale 0.
    const flat = Float32Array.from([3, 3, 3, 3]);
    const flatScaler = fitScaler(flat, 2, { nDynamic: 2, nStatic: 0, staticWeight: 1 });
    expect(Array.from(flatScaler.scale)).toEqual([0, 0]);
    expect(applyScaler(flatScaler, flat, 2, flat)).toBe(flat);
    expect(Array.from(flat)).toEqual([0, 0, 0, 0]);
  });

  it('rejects non-finite sample values and empty layouts', () => {
    expect(() => fitScaler(Float32Array.from([1, NaN]), 1, { nDynamic: 2, nStatic: 0, staticWeight: 1 })).toThrow(/non-finite/);
    expect(() => fitScaler(new Float32Array(2), 2, { nDynamic: 0, nStatic: 0, staticWeight: 1 })).toThrow(/no features/);
  });
});

describe('adjustedRandIndex', () => {
  it('is 1 for identical and for renamed partitions', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [7, 7, 3, 3, 0, 0])).toBe(1);
  });

  it('matches hand-computed values', () => {
    // Contingency {2, 1, 1}: index 1; rows C(2,2)*2 = 2; cols 1; expected 2*1/6; max 1.5.
    // ARI = (1 - 1/3) / (1.5 - 1/3) = 4/7 (also scikit-learn's documented example).
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    // Crossed halves: index 0; expected 2*2/6; max 2: ARI = -(2/3) / (4/3) = -0.5.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });

  it('skips pixels where either labeling is the ignore value', () => {
    expect(adjustedRandIndex([0, 0, 255, 1, 1, 0], [1, 1, 0, 0, 0, 255])).toBe(1);
    expect(adjustedRandIndex([0, 0, 9, 1, 1], [0, 0, 1, 2, 1], 9)).toBe(adjustedRandIndex([0, 0, 1, 1], [0, 0, 2, 1]));
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/length/);
  });
});

describe('spatialCoherence', () => {
  it('counts same-label 4-neighbour pairs of labelled pixels on a hand-made grid', () => {
    // 0 0 1      horizontal pairs: (0,0)s (0,1)d | (0,1)d (1,1)s | (1,1)s      -> 5 pairs, 3 same
    // 0 1 1      vertical pairs:   (0,0)s | (0,1)d (1,1)s | (1,1)s (1,1)s     -> 5 pairs, 4 same
    // N 1 1      (N = nodata 255 forms no pair)
    const grid = Uint8Array.from([0, 0, 1, 0, 1, 1, 255, 1, 1]);
    expect(coherenceCounts(grid, 3, 3)).toEqual({ pairs: 10, samePairs: 7 });
    expect(spatialCoherence(grid, 3, 3)).toBeCloseTo(0.7, 15);
    expect(spatialCoherence(Uint8Array.from([0, 1, 0, 1]), 4, 1)).toBe(0);
    expect(spatialCoherence(Uint8Array.from([3, 255, 255, 3]), 2, 2)).toBeNaN();
  });
});
