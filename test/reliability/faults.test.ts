import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tinyRasters.js';
import { BIN, ensureBuilt, runBin, snapshot, startCli, synthScene, temporaries, waitFor, type ChildResult } from './helpers.js';

/**
 * Outputs are atomic, proven with real faults on the real executable: a run
 * killed at several points, and a write that fails part-way, leave every
 * earlier output byte for byte as it was and nothing partial at an output
 * path; a catchable signal or a failure also removes every temporary, and the
 * temporaries a SIGKILL cannot remove are cleared by the next run.
 */

let dir: string, scene: string, earlierDir: string;
/** The interrupted runs differ from the earlier one (k), so any output they published would show. */
const RUN = ['--tile-size', '64', '--hops', '1', '--k', '3', '--overwrite'];

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('sc-faults-');
  // Big enough that each phase lasts long enough to be caught (512 x 512: ~0.3 s per pass here).
  ({ displacement: scene } = await synthScene(join(dir, 'synth'), { width: 512, height: 512, nDates: 6 }));
  earlierDir = join(dir, 'earlier');
  mkdirSync(earlierDir);
  const r = await runBin(['run', scene, '--out', join(earlierDir, 'regimes.tif'), '--tile-size', '64', '--hops', '1', '--k', '4', '--quiet']);
  expect(r.code, r.stderr).toBe(0);
});

/** A fresh output folder holding last week's outputs. */
function folderWithEarlierOutputs(name: string): string {
  const out = join(dir, name);
  mkdirSync(out);
  for (const f of readdirSync(earlierDir)) copyFileSync(join(earlierDir, f), join(out, f));
  return out;
}

const outputsOnly = (m: Map<string, Buffer>) => new Map([...m].filter(([name]) => !/\.tmp/.test(name)));

type Phase = 'sample pass' | 'predict pass' | 'finishing the COG';

/**
 * Starts a run writing into `outDir`, freezes it (SIGSTOP) once it is in `phase`,
 * checks it really is there, then delivers `signal`. Retries when the phase
 * slipped by before the freeze (the finishing phase lasts ~0.1 s).
 */
async function interruptAt(outDir: string, phase: Phase, signal: NodeJS.Signals): Promise<{ result: ChildResult; atKill: string[] }> {
  for (let attempt = 0; attempt < 4; attempt++) {
    const child = startCli(['run', scene, '--out', join(outDir, 'regimes.tif'), ...RUN]);
    const cogTemp = (n: string) => /^\.regimes\.tif\.\d+\.1\.tmp/.test(n);
    const reached = () =>
      phase === 'sample pass' ? child.stderr().includes('sample pass over')
        : phase === 'predict pass' ? child.stderr().includes('predict pass over')
        : readdirSync(outDir).some(cogTemp);
    await Promise.race([waitFor(reached, phase), child.done]);
    process.kill(child.pid, 'SIGSTOP');
    const atKill = temporaries(outDir);
    const stillThere =
      phase === 'sample pass' ? !child.stderr().includes('fitting')
        : phase === 'predict pass' ? atKill.some((n) => /^\.regimes\.tif\.\d+\.0\.tmp\.tif$/.test(n)) && !atKill.some(cogTemp)
        : atKill.some(cogTemp);
    if (!stillThere) {
      console.log(`missed the ${phase} (attempt ${attempt + 1}); retrying`);
      child.kill('SIGKILL');
      await child.done; // its leftovers are stale temporaries: the next attempt's run clears them before it starts
      continue;
    }
    child.kill(signal);
    if (signal !== 'SIGKILL') process.kill(child.pid, 'SIGCONT');
    return { result: await child.done, atKill };
  }
  throw new Error(`could not catch the run in its ${phase}`);
}

describe('a run interrupted part-way', () => {
  const phases: Phase[] = ['sample pass', 'predict pass', 'finishing the COG'];

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it.each(phases)(`${signal} in the %s: exit ${code}, no temporaries, earlier outputs byte for byte`, async (phase) => {
      const outDir = folderWithEarlierOutputs(`${signal}-${phase.replace(/ /g, '-')}`);
      const before = snapshot(outDir);
      const { result, atKill } = await interruptAt(outDir, phase, signal);
      if (phase !== 'sample pass') expect(atKill.length).toBeGreaterThan(0); // it was writing when stopped
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toContain(`smoothcluster: interrupted (${signal}); temporary files removed, earlier outputs kept.`);
      expect(temporaries(outDir)).toEqual([]);
      expect(snapshot(outDir)).toEqual(before);
    });
  }

  it.each(phases)('SIGKILL in the %s: earlier outputs byte for byte, nothing partial at an output path; the next run clears the leftovers', async (phase) => {
    const outDir = folderWithEarlierOutputs(`SIGKILL-${phase.replace(/ /g, '-')}`);
    const before = snapshot(outDir);
    const { result, atKill } = await interruptAt(outDir, phase, 'SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    expect(outputsOnly(snapshot(outDir))).toEqual(before);
    // SIGKILL cannot be caught: what it was writing stays, under temporary names only.
    expect(temporaries(outDir)).toEqual(atKill);
    if (phase !== 'sample pass') expect(atKill.length).toBeGreaterThan(0);
    const next = await runBin(['run', scene, '--out', join(outDir, 'regimes.tif'), ...RUN, '--quiet']);
    expect(next.code, next.stderr).toBe(0);
    expect(temporaries(outDir)).toEqual([]);
    expect(snapshot(outDir).get('regimes.tif')!.equals(before.get('regimes.tif')!)).toBe(false); // the k = 3 run replaced it
  });
});

describe('a write that fails part-way', () => {
  it('a file size limit (ulimit -f) hit while writing the labels: exit 1, one clear message, nothing partial, earlier outputs kept', async () => {
    const outDir = folderWithEarlierOutputs('ulimit');
    const before = snapshot(outDir);
    // The limit (128 KiB) is below the 512 x 512 label raster being written, not below anything read.
    // Arguments reach the shell as positional parameters, never inside the script text.
    const child = spawn('bash', ['-c', 'ulimit -f 128 && exec "$@"', 'bash', process.execPath, BIN, 'run', scene, '--out', join(outDir, 'regimes.tif'), ...RUN, '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(signal).toBeNull(); // not killed by SIGXFSZ
    expect(code, stderr).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^smoothcluster: could not write '${join(outDir, 'regimes.tif').replace(/[.]/g, '\\.')}' \\(.*\\)\\. .*raise the file size limit.*earlier outputs are unchanged\\.$`));
    expect(temporaries(outDir)).toEqual([]);
    expect(snapshot(outDir)).toEqual(before);
  });
});
