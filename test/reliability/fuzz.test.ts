import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tinyRasters.js';
import { ensureBuilt, gdalTool, ROOT, synthScene } from './helpers.js';
import { mutateTiff } from './tiffMutator.js';

/**
 * Fuzz: 1,000 seeded mutants of the headers and directories of small GeoTIFFs
 * (several layouts), each fed to `info` and `run`. Every answer must be exit 0,
 * or exit 1 with one `smoothcluster:` message: never a crash, a hang or a stack.
 *
 * GDAL could crash on a hostile file and take a vitest worker with it, so the
 * mutants run in child processes, many per child through `main` in-process; a
 * child that dies or stalls is replaced, and the mutant it was on is reported.
 * Reproduce one mutant with mutateTiff(base, SEED + index).
 */
const MUTANTS = 1000;
const SEED = 60_000;
const WORKERS = 2;
/** Longest one mutant (info + run of a 20 x 16 scene) may take before it counts as a hang. */
const HANG_MS = 15_000;
/** The whole fuzz run, on a 2-core CI machine. */
const TOTAL_MS = 150_000;

interface Job {
  base: string;
  seed: number;
  what: string[];
  commands: string[][];
}
interface Outcome {
  index: number;
  kind: 'done' | 'crash' | 'hang';
  results?: { command: string; code: number; stderr: string; ms: number }[];
  detail?: string;
}

let dir: string, jobsPath: string, jobs: Job[];

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('sc-fuzz-');
  const { displacement } = await synthScene(join(dir, 'synth'), { width: 20, height: 16, nDates: 6 });
  // Bases in the layouts real tools write; mutants are spread over them.
  const bases: [string, string[]][] = [
    ['tiled-deflate', []],
    ['striped-pixel', ['-co', 'TILED=NO', '-co', 'INTERLEAVE=PIXEL', '-co', 'BLOCKYSIZE=5']],
    ['bigtiff-lzw', ['-co', 'BIGTIFF=YES', '-co', 'COMPRESS=LZW', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16']],
    ['int16-packbits', ['-ot', 'Int16', '-scale', '-100', '100', '-10000', '10000', '-a_scale', '0.01', '-a_nodata', '-32768', '-co', 'COMPRESS=PACKBITS', '-co', 'INTERLEAVE=BAND']],
  ];
  const bytes = new Map<string, Buffer>();
  for (const [name, args] of bases) {
    const p = join(dir, `${name}.tif`);
    gdalTool('gdal_translate', [...args, displacement, p]);
    bytes.set(name, readFileSync(p));
  }
  mkdirSync(join(dir, 'mutants'));
  jobs = Array.from({ length: MUTANTS }, (_v, i) => {
    const base = bases[i % bases.length][0];
    const { bytes: mutant, what } = mutateTiff(bytes.get(base)!, SEED + i);
    const path = join(dir, 'mutants', `m${i}-${base}.tif`);
    writeFileSync(path, mutant);
    return {
      base,
      seed: SEED + i,
      what,
      commands: [
        ['info', path],
        ['run', path, '--out', '{OUT}/labels.tif', '--overwrite', '--quiet', '--k', '2', '--tile-size', '8', '--sample-size', '200'],
      ],
    };
  });
  jobsPath = join(dir, 'jobs.json');
  writeFileSync(jobsPath, JSON.stringify(jobs));
});

/** Runs mutants [first, end) in child processes, replacing a child that dies or stalls. */
async function supervise(first: number, end: number, outDir: string, deadline: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = first;
  while (next < end && Date.now() < deadline) {
    const child = spawn(process.execPath, [join(ROOT, 'test', 'reliability', 'fuzzChild.mjs'), jobsPath, String(next), String(end), outDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let current = -1, startedAt = Date.now(), hung = false, stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const watchdog = setInterval(() => {
      if (current >= 0 && (Date.now() - startedAt > HANG_MS || Date.now() > deadline)) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 100);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const msg = JSON.parse(line);
      if ('start' in msg) {
        current = msg.start;
        startedAt = Date.now();
      } else {
        outcomes.push({ index: msg.done, kind: 'done', results: msg.results });
        current = -1;
        next = msg.done + 1;
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearInterval(watchdog);
    if (current >= 0) {
      outcomes.push({ index: current, kind: hung ? 'hang' : 'crash', detail: `exit ${code} signal ${signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      next = current + 1;
    } else if (next < end && code !== 0) {
      throw new Error(`fuzz child failed outside a mutant (exit ${code}, ${signal}): ${stderr}`);
    }
  }
  return outcomes;
}

describe('fuzz: mutated TIFF headers and directories', () => {
  it(`answers ${MUTANTS} mutants with exit 0 or one clear message (exit 1), never a crash, hang or stack`, async () => {
    const deadline = Date.now() + TOTAL_MS;
    const per = Math.ceil(MUTANTS / WORKERS);
    const parts = await Promise.all(
      Array.from({ length: WORKERS }, (_v, w) => {
        const outDir = join(dir, `out${w}`);
        mkdirSync(outDir);
        return supervise(w * per, Math.min(MUTANTS, (w + 1) * per), outDir, deadline);
      }),
    );
    const outcomes = parts.flat().sort((a, b) => a.index - b.index);
    const describe = (o: Outcome) => `mutant ${o.index} (${jobs[o.index].base}, seed ${jobs[o.index].seed}: ${jobs[o.index].what.join(', ')})`;

    const failures = outcomes.filter((o) => o.kind !== 'done').map((o) => `${describe(o)}: ${o.kind} — ${o.detail}`);
    const unclear: string[] = [];
    const tally = { info0: 0, info1: 0, run0: 0, run1: 0 };
    const kinds = new Map<string, number>();
    let slowest = 0;
    for (const o of outcomes.filter((x) => x.kind === 'done')) {
      for (const r of o.results!) {
        slowest = Math.max(slowest, r.ms);
        const key = `${r.command}${r.code}` as keyof typeof tally;
        if (key in tally) tally[key]++;
        const first = r.stderr.split('\n').find((l) => !l.startsWith('warning:')) ?? '';
        const clear = r.code === 0 || (r.code === 1 && /^smoothcluster: /.test(first) && !/internal error|\n\s+at /.test(r.stderr));
        if (!clear) unclear.push(`${describe(o)}: ${r.command} exit ${r.code}: ${r.stderr.slice(0, 400)}`);
        if (r.code === 1) {
          const kind = /is incomplete or damaged|is a damaged TIFF|is not a raster GDAL can read|could not be read|no georeferencing|no valid pixel|grid ground distances|has no raster bands|constant|training pixels|is empty|same date|named like a GeoTIFF|could not be opened/.exec(first)?.[0] ?? first.slice(14, 70);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        }
      }
    }
    console.log(
      `fuzz: ${outcomes.length} mutants, ${failures.length} crashes/hangs; info exit 0/1: ${tally.info0}/${tally.info1}, ` +
        `run exit 0/1: ${tally.run0}/${tally.run1}; slowest command ${slowest} ms\n` +
        [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n} x ${k}`).join('\n'),
    );
    expect(failures).toEqual([]);
    expect(unclear).toEqual([]);
    expect(outcomes.length).toBe(MUTANTS);
    // The fuzz reaches past the open: some mutants still read and cluster.
    expect(tally.run0).toBeGreaterThan(0);
  }, TOTAL_MS + 60_000);
});
