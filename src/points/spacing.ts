/**
 * The typical distance between neighbouring points, from which the default cell
 * size comes, under bounded memory: a few square probes, each centred on an early
 * point, keep every point that falls inside them (all points, so the local
 * density is the true one), shrinking when full. The spacing is the median
 * distance to the nearest neighbour of the points well inside the probes.
 */

const EARTH_METRES_PER_DEGREE = 111_320;

interface Probe {
  lon: number;
  lat: number;
  /** Metres per degree of longitude at the probe. */
  kx: number;
  half: number;
  xs: Float64Array;
  ys: Float64Array;
  n: number;
}

export class SpacingEstimator {
  private readonly probes: Probe[] = [];
  private seen = 0;
  constructor(
    private readonly probeCount = 8,
    private readonly pointsPerProbe = 4096,
    /** Every `stride`-th early point starts a probe (points of a file are often sorted along one direction). */
    private readonly stride = 1009,
    private readonly initialHalfWidth = 2000,
  ) {}

  /** Adds one point (longitude, latitude in degrees). */
  add(lon: number, lat: number): void {
    if (this.seen % this.stride === 0 && this.probes.length < this.probeCount) {
      this.probes.push({
        lon, lat, kx: EARTH_METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180), half: this.initialHalfWidth,
        xs: new Float64Array(this.pointsPerProbe), ys: new Float64Array(this.pointsPerProbe), n: 0,
      });
    }
    this.seen++;
    for (const p of this.probes) {
      const dx = (lon - p.lon) * p.kx;
      const dy = (lat - p.lat) * EARTH_METRES_PER_DEGREE;
      if (Math.abs(dx) > p.half || Math.abs(dy) > p.half) continue;
      // Points at the very same place cannot shrink a probe: give up on the point then.
      while (p.n === p.xs.length && p.half > 0.01) shrink(p);
      if (p.n === p.xs.length || Math.abs(dx) > p.half || Math.abs(dy) > p.half) continue;
      p.xs[p.n] = dx;
      p.ys[p.n] = dy;
      p.n++;
    }
  }

  /** The median nearest-neighbour distance in metres, or null with fewer than two points. */
  estimate(): number | null {
    const distances: number[] = [];
    for (const p of this.probes) {
      const inner = p.half / 2;
      for (let i = 0; i < p.n; i++) {
        if (Math.abs(p.xs[i]) > inner || Math.abs(p.ys[i]) > inner) continue;
        let best = Infinity;
        for (let j = 0; j < p.n; j++) {
          if (j === i) continue;
          const dx = p.xs[j] - p.xs[i], dy = p.ys[j] - p.ys[i];
          const d = dx * dx + dy * dy;
          if (d < best && d > 0) best = d;
        }
        if (best < Infinity) distances.push(Math.sqrt(best));
      }
    }
    if (distances.length === 0) return null;
    distances.sort((a, b) => a - b);
    return distances[Math.floor(distances.length / 2)];
  }
}

/** Halves a full probe, keeping the points inside the smaller square. */
function shrink(p: Probe): void {
  p.half /= 2;
  let k = 0;
  for (let i = 0; i < p.n; i++) {
    if (Math.abs(p.xs[i]) <= p.half && Math.abs(p.ys[i]) <= p.half) {
      p.xs[k] = p.xs[i];
      p.ys[k] = p.ys[i];
      k++;
    }
  }
  p.n = k;
}
