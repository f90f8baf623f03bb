import { describe, expect, test } from 'vitest';
import { BandAccumulator, planBands, referToFirstDate } from '../src/points/cellAccumulator.js';
import { columnDate, detectColumns } from '../src/points/columns.js';
import { CsvRowSplitter, type CsvRow } from '../src/points/csvRows.js';
import { checkOneGeometry, pointGeometry } from '../src/points/geometry.js';
import { cellIndex, gridCovering, niceCellSize, utmEpsg } from '../src/points/grid.js';
import { idHash, IdHashes } from '../src/points/idHashes.js';
import { fieldText, NOT_A_NUMBER, parseNumber } from '../src/points/parseNumber.js';
import { pointSpacing } from '../src/points/spacing.js';
import { testRandom } from './helpers/testRandom.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const parse = (s: string) => {
  const b = bytes(s);
  return parseNumber(b, 0, b.length);
};

describe('parseNumber: decimal text straight from bytes', () => {
  test('equals Number() on decimals of every shape the products write', () => {
    const rnd = testRandom(3);
    const samples = ['0', '-0', '1', '-1.5', '12.25', '0.001', '-0.000123', '3.14159265358979', '1e3', '-2.5E-4', '+7', '.5', '5.', '123456789012345678', '0.1234567890123456789', '1e-300', '4.9e-324'];
    for (let i = 0; i < 2000; i++) samples.push(((rnd() - 0.5) * 10 ** Math.floor(rnd() * 8)).toFixed(Math.floor(rnd() * 7)));
    for (let i = 0; i < 500; i++) samples.push(String((rnd() - 0.5) * 1e6));
    for (const s of samples) expect(parse(s), s).toBe(Number(s));
  });
  test('missing spellings are NaN; anything else that is not a number is NOT_A_NUMBER', () => {
    for (const s of ['', 'NaN', 'nan', 'NA', 'null', '  ', '""']) expect(Number.isNaN(parse(s)), s).toBe(true);
    for (const s of ['abc', '1.2.3', '1e', '--1', '12a', 'inf', '1,5', '1e999']) expect(parse(s), s).toBe(NOT_A_NUMBER);
  });
  test('quotes, spaces and a carriage return around a number are ignored', () => {
    expect(parse(' "12.5" ')).toBe(12.5);
    expect(parse('-3.25\r')).toBe(-3.25);
    const b = bytes('"1JnAeg7Ty0" ');
    expect(fieldText(b, 0, b.length)).toBe('1JnAeg7Ty0');
  });
});

describe('CsvRowSplitter: rows and fields across chunk boundaries', () => {
  const text = 'pid,x,y\r\n"a,1",1.5,2\n"b",,3\n\nc,4,5';
  const expected = [['pid', 'x', 'y'], ['"a,1"', '1.5', '2'], ['"b"', '', '3'], ['c', '4', '5']];
  const collect = (chunks: Uint8Array[], limit?: number) => {
    const splitter = new CsvRowSplitter(0x2c, 3);
    if (limit) splitter.limitFields(limit);
    const rows: { fields: string[]; line: number; n: number }[] = [];
    const onRow = (r: CsvRow) => {
      const n = r.fields < 0 ? limit! : r.fields;
      rows.push({ fields: Array.from({ length: n }, (_v, i) => new TextDecoder().decode(r.bytes.subarray(r.starts[i], r.ends[i]))), line: r.line, n: r.fields });
    };
    for (const c of chunks) splitter.push(c, onRow);
    splitter.end(onRow);
    return rows;
  };
  test('every cut of the stream gives the same rows, quoted separators kept, blank lines skipped, lines numbered', () => {
    const all = bytes(text);
    for (let cut = 0; cut <= all.length; cut++) {
      for (let cut2 = cut; cut2 <= all.length; cut2 += 5) {
        const rows = collect([all.subarray(0, cut), all.subarray(cut, cut2), all.subarray(cut2)]);
        expect(rows.map((r) => r.fields)).toEqual(expected);
        expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
      }
    }
  });
  test('limitFields splits the leading fields only and marks the rest unknown', () => {
    const rows = collect([bytes('a,b,c\n1,2\n')], 2);
    expect(rows[0]).toMatchObject({ fields: ['a', 'b'], n: -1 });
    expect(rows[1]).toMatchObject({ fields: ['1', '2'], n: 2 });
  });
});

describe('column detection by pattern', () => {
  const dates = ['20200105', '20200111', '20200117'];
  test('EGMS L2b: easting/northing in EPSG:3035, pid, the default static attributes, dates in time order', () => {
    const header = ['pid', 'mp_type', 'latitude', 'longitude', 'easting', 'northing', 'height_ortho', 'height_ellipse', 'rmse_ts', 'temporal_coherence', 'amplitude_dispersion', 'los_east', 'mean_velocity', '20200117', ...dates.slice(0, 2)];
    const c = detectColumns('EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', header);
    expect(c.layout).toBe('EGMS L2b');
    expect([header[c.x], header[c.y], c.crs, c.lonLat]).toEqual(['easting', 'northing', 'EPSG:3035', false]);
    expect(c.dates).toEqual(['2020-01-05', '2020-01-11', '2020-01-17']);
    expect(c.dateColumns.map((i) => header[i])).toEqual(dates);
    expect(c.staticNames).toEqual(['height_ortho', 'mean_velocity', 'temporal_coherence', 'amplitude_dispersion', 'rmse_ts']);
    expect(header[c.id]).toBe('pid');
  });
  test('InSAR Norway: latitude/longitude in EPSG:4326, height, amplitude_quality, rmse; the layout from its columns', () => {
    const header = ['pid', 'track', 'mode', 'burst', 'line', 'pixel', 'latitude', 'longitude', 'height', 'height_wgs84', 'mean_velocity', 'rmse', 'temporal_coherence', 'amplitude_quality', ...dates];
    const c = detectColumns('160-IW1-414-s1-asc1-v2020.csv.gz', header);
    expect(c.layout).toBe('InSAR Norway');
    expect([header[c.x], header[c.y], c.crs, c.lonLat]).toEqual(['longitude', 'latitude', 'EPSG:4326', true]);
    expect(c.staticNames).toEqual(['height', 'mean_velocity', 'temporal_coherence', 'amplitude_quality', 'rmse']);
  });
  test('overrides: --x-column/--y-column/--points-crs and --static-columns (names or none)', () => {
    const header = ['id', 'E', 'N', 'vel', ...dates];
    const c = detectColumns('mine.csv', header, { xColumn: 'E', yColumn: 'N', pointsCrs: 'EPSG:25833', staticColumns: ['vel'] });
    expect([c.x, c.y, c.crs, c.crsFrom, c.staticNames]).toEqual([1, 2, 'EPSG:25833', '--points-crs', ['vel']]);
    expect(detectColumns('mine.csv', header, { xColumn: 'E', yColumn: 'N', pointsCrs: 'EPSG:25833', staticColumns: 'none' }).staticNames).toEqual([]);
    expect(() => detectColumns('mine.csv', header, { xColumn: 'E', yColumn: 'N' })).toThrow(/--points-crs/);
    expect(() => detectColumns('mine.csv', header, { xColumn: 'X', yColumn: 'N', pointsCrs: 'EPSG:25833' })).toThrow(/--x-column 'X': 'mine.csv' has no such column/);
    expect(() => detectColumns('mine.csv', header, { xColumn: 'E', yColumn: 'N', pointsCrs: 'EPSG:25833', staticColumns: ['slope'] })).toThrow(/--static-columns 'slope'/);
  });
  test('no coordinate or date columns, or a date twice: one message naming the file and the columns found', () => {
    expect(() => detectColumns('a.csv', ['pid', 'foo', ...dates])).toThrow(/'a.csv' has no coordinate columns: expected easting\/northing .* its columns are 'pid', 'foo' and 3 date columns/);
    expect(() => detectColumns('a.csv', ['pid', 'latitude', 'longitude', 'v'])).toThrow(/'a.csv' has no date columns: expected one column per acquisition named YYYYMMDD/);
    expect(() => detectColumns('a.csv', ['latitude', 'longitude', '20200105', '2020-01-05'])).toThrow(/same date 2020-01-05/);
  });
  test('date column names: YYYYMMDD and YYYY-MM-DD, real calendar dates only', () => {
    expect([columnDate('20200229'), columnDate('2021-12-31'), columnDate('20210229'), columnDate('12345678'), columnDate('height')]).toEqual(['2020-02-29', '2021-12-31', null, null, null]);
  });
});

describe('geometry: tracks and components are not mixed', () => {
  test('bursts of one EGMS track go together; another track, or ascending with descending, or L3 E with U, is refused naming each file', () => {
    const g = (f: string, layout: Parameters<typeof pointGeometry>[1], losEast: number | null = null, track: string | null = null) => ({ file: f, geometry: pointGeometry(f, layout, { track, losEast }) });
    const a = g('EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', 'EGMS L2b'), b = g('EGMS_L2b_022_0846_IW3_VV_2020_2024_1.csv', 'EGMS L2b');
    expect(checkOneGeometry([a, b]).description).toMatch(/track 022/);
    expect(() => checkOneGeometry([a, g('EGMS_L2b_117_0301_IW1_VV_2020_2024_1.csv', 'EGMS L2b')])).toThrow(/EGMS_L2b_022.*track 022.*EGMS_L2b_117.*track 117/);
    expect(() => checkOneGeometry([g('160-IW1-414-s1-asc1-v2020.csv', 'InSAR Norway'), g('66-IW2-210-s1-dsc1-v2020.csv', 'InSAR Norway')])).toThrow(/ascending.*descending/);
    expect(() => checkOneGeometry([g('EGMS_L3_E40N50_100km_E_2018_2022_1.csv', 'EGMS L3'), g('EGMS_L3_E40N50_100km_U_2018_2022_1.csv', 'EGMS L3')])).toThrow(/east-west.*vertical/);
    // Without names, the sign of los_east tells the direction.
    expect(() => checkOneGeometry([g('a.csv', 'points', -0.6), g('b.csv', 'points', 0.6)])).toThrow(/'a.csv': points, ascending.*'b.csv': points, descending/);
  });
});

describe('grid rules', () => {
  test('origins are multiples of the cell size, so two extents share their cell lines', () => {
    const a = gridCovering({ minX: 1003, minY: 2017, maxX: 1490, maxY: 2399 }, 50, 'EPSG:25833');
    const b = gridCovering({ minX: 1260, minY: 1840, maxX: 1720, maxY: 2210 }, 50, 'EPSG:25833');
    for (const g of [a, b]) expect([g.originX % 50, g.originY % 50]).toEqual([0, 0]);
    expect([a.originX, a.originY, a.width, a.height]).toEqual([1000, 2400, 10, 8]);
    // A point on a cell line belongs to one cell in both grids' terms.
    const x = 1275, y = 2150;
    const ca = cellIndex(a, x, y), cb = cellIndex(b, x, y);
    expect(a.originX + (ca % a.width) * 50).toBe(b.originX + (cb % b.width) * 50);
    expect(a.originY - Math.floor(ca / a.width) * 50).toBe(b.originY - Math.floor(cb / b.width) * 50);
    expect(cellIndex(a, 999, 2100)).toBe(-1);
  });
  test('UTM zones with the Norway and Svalbard exceptions', () => {
    expect([utmEpsg(20.2, 69.6), utmEpsg(5.3, 60.4), utmEpsg(15.6, 78.2), utmEpsg(-3.7, 40.4), utmEpsg(151.2, -33.9)]).toEqual([32634, 32632, 32633, 32630, 32756]);
  });
  test('cell size: the spacing rounded to the nearest 1, 2, 2.5 or 5 x 10^n (a regular 100 m product stays 100)', () => {
    expect([niceCellSize(100.4), niceCellSize(56.9), niceCellSize(14.8), niceCellSize(23), niceCellSize(0.7)]).toEqual([100, 50, 20, 25, 0.5]);
  });
  test('point spacing: a 100 m lattice is 100 m; a jittered cloud of one point per 40 m square is ~40 m, empty land aside', () => {
    const lattice = (visit: (x: number, y: number) => void) => {
      for (let i = 0; i < 60; i++) for (let j = 0; j < 40; j++) visit(500000 + i * 100, 7700000 + j * 100);
    };
    const s = pointSpacing(lattice, { minX: 500000, minY: 7700000, maxX: 505900, maxY: 7703900 }, 2400)!;
    expect(Math.abs(s - 100)).toBeLessThan(3);
    const rnd = testRandom(5);
    const pts: [number, number][] = [];
    // Two dense patches far apart: the empty land between them must not count.
    for (const x0 of [0, 20000]) for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) pts.push([x0 + (i + rnd()) * 40, (j + rnd()) * 40]);
    const cloud = (visit: (x: number, y: number) => void) => pts.forEach(([x, y]) => visit(x, y));
    const s2 = pointSpacing(cloud, { minX: 0, minY: 0, maxX: 22000, maxY: 2000 }, pts.length)!;
    expect(s2).toBeGreaterThan(38);
    expect(s2).toBeLessThan(48);
  });
});

describe('cell statistics, band by band', () => {
  const rnd = testRandom(11);
  const nValues = 5, cells = 30;
  const rows = Array.from({ length: 200 }, () => ({ cell: Math.floor(rnd() * cells), values: Float32Array.from({ length: nValues }, () => (rnd() < 0.1 ? NaN : Math.round(rnd() * 100) / 4)) }));
  const byCell = (c: number, j: number) => rows.filter((r) => r.cell === c).map((r) => r.values[j]).filter((v) => !Number.isNaN(v));
  test('means and medians of the points of each cell, NaN where no point has the value; counts per cell', () => {
    for (const stat of ['mean', 'median'] as const) {
      const acc = new BandAccumulator(cells + 7, (cells + 7) * nValues, stat);
      acc.reset(cells, nValues);
      for (const r of rows) acc.add(r.cell, r.values, 0);
      const out = acc.finish();
      for (let c = 0; c < cells; c++) {
        expect(acc.pointCounts[c]).toBe(rows.filter((r) => r.cell === c).length);
        for (let j = 0; j < nValues; j++) {
          const v = byCell(c, j).sort((a, b) => a - b);
          const want = v.length === 0 ? NaN : stat === 'mean' ? v.reduce((a, b) => a + b, 0) / v.length : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
          expect(out[j * cells + c]).toBe(Math.fround(want));
        }
      }
      // Reused for the next band: nothing of this one is left.
      acc.reset(3);
      expect(Array.from(acc.finish())).toEqual(new Array(3 * nValues).fill(NaN));
    }
  });
  test('bands stay within the budget unless a single row exceeds it', () => {
    const perRow = Uint32Array.from({ length: 100 }, (_v, i) => (i % 7) * 40);
    for (const stat of ['mean', 'median'] as const) {
      const bands = planBands(perRow, 50, 20, stat, 200_000);
      expect(bands[0][0]).toBe(0);
      expect(bands[bands.length - 1][1]).toBe(100);
      for (let k = 1; k < bands.length; k++) expect(bands[k][0]).toBe(bands[k - 1][1]);
      expect(bands.length).toBeGreaterThan(2);
    }
    expect(planBands(perRow, 1e6, 20, 'mean', 1000).length).toBe(100);
  });
  test('a series is referred to its first date with a value', () => {
    const v = Float64Array.from([NaN, 12, 15, NaN, 9]);
    expect(referToFirstDate(v, 5)).toBe(1);
    expect(Array.from(v)).toEqual([NaN, 0, 3, NaN, -3]);
    expect(referToFirstDate(Float64Array.from([NaN, NaN]), 2)).toBe(-1);
  });
});

test('id hashes find the repeated id among many', () => {
  const ids = new IdHashes();
  const names = Array.from({ length: 20000 }, (_v, i) => `1Jn${i.toString(36)}`);
  names.push('1Jn7ps');
  for (const n of names) ids.add(idHash(bytes(`"${n}"`), 0, n.length + 2));
  const suspects = ids.suspects();
  expect(suspects.size).toBe(1);
  expect(suspects.has(idHash(bytes('1Jn7ps'), 0, 6))).toBe(true);
});

describe('parseLineNumbers: split and parse in one pass', () => {
  test('gives exactly what splitting and parseNumber give, for every field shape', async () => {
    const { parseLineNumbers } = await import('../src/points/lineNumbers.js');
    const rnd = testRandom(9);
    const shapes = () => {
      const r = rnd();
      if (r < 0.05) return '';
      if (r < 0.08) return 'NaN';
      if (r < 0.1) return `"${(rnd() * 10).toFixed(2)}"`;
      if (r < 0.12) return `${(rnd() * 9 + 1).toFixed(3)}e-${Math.floor(rnd() * 5)}`;
      if (r < 0.14) return '0.12345678901234567';
      if (r < 0.15) return 'x1';
      return ((rnd() - 0.5) * 10 ** Math.floor(rnd() * 5)).toFixed(Math.floor(rnd() * 4));
    };
    for (let k = 0; k < 300; k++) {
      const fields = ['"id,with,commas"', 'PS', ...Array.from({ length: 12 }, shapes)];
      const line = bytes(`${fields.join(',')}${k % 2 ? '\r' : ''}`);
      const slots = Int32Array.from(fields, (_f, i) => (i < 2 ? -1 : i - 2));
      const out = new Float64Array(12);
      expect(parseLineNumbers(line, 0, line.length, 0x2c, slots, out)).toBe(fields.length);
      fields.slice(2).forEach((f, j) => {
        const b = bytes(f);
        expect(out[j], f).toBe(parseNumber(b, 0, b.length));
      });
    }
  });
  test('counts the fields of short and long lines', async () => {
    const { parseLineNumbers } = await import('../src/points/lineNumbers.js');
    const out = new Float64Array(3);
    const slots = Int32Array.from([0, 1, 2]);
    for (const [text, n] of [['1,2', 2], ['1,2,3,4,5', 5], ['1,2,', 3], [',,', 3]] as const) {
      const b = bytes(text);
      expect(parseLineNumbers(b, 0, b.length, 0x2c, slots, out), text).toBe(n);
    }
  });
});
