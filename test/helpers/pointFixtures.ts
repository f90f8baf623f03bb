/**
 * Point CSVs written from a synthetic scene in the products' documented layouts
 * (FORMATS.md: EGMS L2a/L2b, L3; InSAR Norway), as an irregular cloud: 0-3
 * jittered points per covered pixel, a few rows with gaps, and an offset per
 * point so that no series starts at zero. Every point remembers its pixel, so a
 * test can grid the cloud by hand.
 */
import proj4 from 'proj4';
import { writeFileSync } from 'node:fs';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { makeSynthScene, type SynthOptions, type SynthScene } from '../../src/synth/index.js';
import { UTM33_PROJ4 } from '../../src/synth/georef.js';

const LAEA = '+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs';

export interface SynthPoint {
  pid: string;
  col: number;
  row: number;
  /** UTM 33N (the scene's CRS). */
  e: number;
  n: number;
  lon: number;
  lat: number;
  laeaX: number;
  laeaY: number;
  /** Displacement per date in mm (NaN = gap), with the point's offset. */
  values: Float64Array;
  height: number;
  velocity: number;
  coherence: number;
  dispersion: number;
  rmse: number;
}

export interface PointCloud {
  scene: SynthScene;
  points: SynthPoint[];
  /** Compact date names (YYYYMMDD). */
  dateNames: string[];
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A synthetic scene and a point cloud drawn from it. */
export function synthPointCloud(options: SynthOptions, seed = 7): PointCloud {
  const scene = makeSynthScene(options);
  const { width, height, geoTransform } = scene;
  const bands = scene.dates.map((_d, i) => scene.displacementBand(i));
  const statics = scene.staticNames.map((_n, i) => scene.staticBand(i));
  const rnd = random(seed);
  const toLonLat = proj4(UTM33_PROJ4, 'WGS84');
  const toLaea = proj4('WGS84', LAEA);
  const points: SynthPoint[] = [];
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const p = row * width + col;
      if (scene.truth[p] === 255) continue;
      const corner = (row === 0 || row === height - 1) && (col === 0 || col === width - 1);
      const n = corner ? 1 + Math.floor(rnd() * 3) : Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        // Inside the pixel, away from its edges: the cell is the pixel whatever the rounding of the projections.
        const e = geoTransform[0] + (col + 0.1 + 0.8 * rnd()) * geoTransform[1];
        const nn = geoTransform[3] + (row + 0.1 + 0.8 * rnd()) * geoTransform[5];
        const [lon, lat] = toLonLat.forward([e, nn]);
        const [laeaX, laeaY] = toLaea.forward([lon, lat]);
        const offset = 5 + 40 * rnd();
        const values = Float64Array.from(bands, (b) => Number((b[p] + offset + (rnd() - 0.5)).toFixed(2)));
        // A few rows with gaps, some at the first date.
        if (rnd() < 0.06) values[Math.floor(rnd() * values.length)] = NaN;
        if (rnd() < 0.02) values[0] = NaN;
        points.push({
          pid: `P${points.length.toString(36).toUpperCase().padStart(6, '0')}`,
          col, row, e, n: nn, lon, lat, laeaX, laeaY, values,
          height: Number((statics[0]?.[p] ?? 100).toFixed(2)),
          velocity: Number((statics[1]?.[p] ?? 0).toFixed(2)),
          coherence: Number(Math.min(1, Math.max(0, statics[2]?.[p] ?? 0.8)).toFixed(3)),
          dispersion: Number((statics[3]?.[p] ?? 0.2).toFixed(3)),
          rmse: Number((0.5 + rnd()).toFixed(3)),
        });
      }
    }
  }
  return { scene, points, dateNames: scene.dates.map((d) => d.replace(/-/g, '')) };
}

const num = (v: number) => (Number.isNaN(v) ? '' : String(v));

/** EGMS L2a/L2b columns (FORMATS.md), then one YYYYMMDD column per date; ascending (los_east < 0). */
export function egmsL2bCsv(cloud: PointCloud, points = cloud.points): string {
  const header = ['pid', 'mp_type', 'latitude', 'longitude', 'easting', 'northing', 'height_ortho', 'height_ellipse', 'line', 'pixel', 'rmse_ts', 'temporal_coherence',
    'amplitude_dispersion', 'incidence_angle', 'track_angle', 'los_east', 'los_north', 'los_up', 'mean_velocity', 'mean_velocity_std', 'acceleration',
    'acceleration_std', 'seasonality', 'seasonality_std', 'gnss_velocity', ...cloud.dateNames];
  const rows = points.map((p, i) => [
    `"${p.pid}"`, 'PS', p.lat.toFixed(7), p.lon.toFixed(7), p.laeaX.toFixed(3), p.laeaY.toFixed(3), p.height, (p.height + 30).toFixed(2), 100 + i, 200 + i,
    p.rmse, p.coherence, p.dispersion, 39.1, -10.2, -0.62, -0.11, 0.77, p.velocity, 0.4, 0.01, 0.02, 1.1, 0.3, '',
    ...Array.from(p.values, num),
  ].join(','));
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

/** EGMS L3 columns (FORMATS.md): easting/northing only, then the dates. */
export function egmsL3Csv(cloud: PointCloud, points = cloud.points): string {
  const header = ['pid', 'easting', 'northing', 'height_ortho', 'rmse_ts', 'mean_velocity', 'mean_velocity_std', 'acceleration', 'acceleration_std', 'seasonality', 'seasonality_std', ...cloud.dateNames];
  const rows = points.map((p) => [p.pid, p.laeaX.toFixed(3), p.laeaY.toFixed(3), p.height, p.rmse, p.velocity, 0.4, 0.01, 0.02, 1.1, 0.3, ...Array.from(p.values, num)].join(','));
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

/** InSAR Norway columns (FORMATS.md), the dates from the 20th column on. */
export function insarNorwayCsv(cloud: PointCloud, points = cloud.points, track = 160, losEast = -0.62): string {
  const header = ['pid', 'track', 'mode', 'burst', 'line', 'pixel', 'latitude', 'longitude', 'height', 'height_wgs84', 'mean_velocity', 'rmse', 'temporal_coherence',
    'amplitude_quality', 'incidence_angle', 'track_angle', 'los_east', 'los_north', 'los_up', ...cloud.dateNames];
  const rows = points.map((p, i) => [
    p.pid, track, 0, 414, 10 + i, 20 + i, p.lat.toFixed(7), p.lon.toFixed(7), p.height, (p.height + 30).toFixed(2), p.velocity, p.rmse, p.coherence,
    p.dispersion, 39.1, -10.2, losEast, -0.11, 0.77, ...Array.from(p.values, num),
  ].join(','));
  return `${header.join(',')}\n${rows.join('\n')}\n`;
}

export function writeText(path: string, text: string): string {
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** Each point's series as the gridder refers it: minus its first value, rounded to float32. */
export function referredSeries(p: SynthPoint): Float32Array {
  const first = Array.from(p.values).find((v) => !Number.isNaN(v)) ?? NaN;
  return Float32Array.from(p.values, (v) => v - first);
}

/** Cell means of the referred series per pixel of the scene, by hand: band-sequential Float32 planes (NaN = no value). */
export function cellMeansByHand(cloud: PointCloud): { planes: Float32Array[]; counts: Int32Array } {
  const { width, height, dates } = cloud.scene;
  const sums = dates.map(() => new Float64Array(width * height));
  const n = dates.map(() => new Int32Array(width * height));
  const counts = new Int32Array(width * height);
  for (const p of cloud.points) {
    const cell = p.row * width + p.col;
    counts[cell]++;
    const s = referredSeries(p);
    s.forEach((v, d) => {
      if (!Number.isNaN(v)) {
        sums[d][cell] += v;
        n[d][cell]++;
      }
    });
  }
  const planes = sums.map((s, d) => Float32Array.from(s, (v, i) => (n[d][i] > 0 ? v / n[d][i] : NaN)));
  return { planes, counts };
}

/** A zip archive with deflated members (as EGMS delivers), written by hand following PKWARE's APPNOTE. */
export function zipArchive(members: { name: string; data: Buffer }[]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_v, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const locals: Buffer[] = [], centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name);
    const crc = crc32(m.data);
    const packed = deflateRawSync(m.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(m.data.length, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(m.data.length, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(members.length, 8); end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
