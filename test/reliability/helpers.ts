import { execFileSync, spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { writeSynthScene } from '../../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../../src/reporter.js';
import type { SynthOptions } from '../../src/synth/index.js';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'smoothcluster.js');

/** A small synthetic scene (displacement.tif, static.tif, truth.tif) in `dir`. */
export async function synthScene(dir: string, options: Partial<SynthOptions> = {}) {
  const { files } = await writeSynthScene(dir, { preset: 'lyngen', width: 48, height: 40, nDates: 16, seed: 5, ...options }, true, silentReporter);
  return files;
}

/** Runs a GDAL command-line tool (never through a shell); throws with its stderr on failure. */
export function gdalTool(tool: string, args: string[]): void {
  const quiet = ['gdal_translate', 'gdalwarp', 'gdalbuildvrt'].includes(tool) ? ['-q'] : [];
  execFileSync(tool, [...quiet, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** The expected shape of a user-facing error: one message, the given exit code, no stack trace. */
export function expectOneClearMessage(r: { code: number; stderr: string }, code: number, ...mentions: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning:'));
  expect(lines[0], r.stderr).toMatch(/^smoothcluster: /);
  // One message: a usage error may add the one line pointing at --help.
  expect(lines.slice(1).filter((l) => !/^Run `smoothcluster .*--help` for usage\.$/.test(l)), r.stderr).toEqual([]);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |^\w*Error: /m);
  for (const m of mentions) expect(lines[0]).toMatch(typeof m === 'string' ? new RegExp(escapeRegExp(m)) : m);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every file under `dir` with its bytes, for byte-for-byte comparisons. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isFile()) out.set(name, readFileSync(p));
  }
  return out;
}

/** Temporary files (ours: `.name.pid.n.tmp*`, or anything else GDAL left with `.tmp`). */
export function temporaries(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.tmp/.test(n));
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `smoothcluster` child process (the real executable), with its output so far. */
export interface Child {
  pid: number;
  stderr(): string;
  done: Promise<ChildResult>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `node bin/smoothcluster.js ...args` (after the build); killed after `timeoutMs` if still running. */
export function startCli(args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Child {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<ChildResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { pid: child.pid!, stderr: () => stderr, done, kill: (s) => child.kill(s) };
}

export async function runBin(args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<ChildResult> {
  return startCli(args, options).done;
}

/**
 * Runs the executable subject to file permissions. Root may read and write
 * anything, so as root the child runs without the capabilities that bypass
 * permission bits (setpriv, util-linux): same user, same access to the repository.
 */
export async function runBinWithoutPrivileges(args: string[], options: SpawnOptions = {}): Promise<ChildResult> {
  if (process.getuid?.() !== 0) return runBin(args, options);
  const child = spawn('setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Polls `condition` every few milliseconds until it holds (or throws after `timeoutMs`). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The child-process tests run the real executable, which runs dist/. Rebuild
 * when any source is newer than the build (once per machine at a time: a lock
 * file keeps test files started together from compiling over each other).
 */
export function ensureBuilt(): void {
  const fresh = () => existsSync(join(ROOT, 'dist', 'cli', 'main.js')) && newestMtime(join(ROOT, 'dist'), '.js') >= newestMtime(join(ROOT, 'src'), '.ts');
  if (fresh()) return;
  const lock = join(tmpdir(), 'smoothcluster-test-build.lock');
  let fd: number | null = null;
  const t0 = Date.now();
  while (fd === null) {
    try {
      fd = openSync(lock, 'wx');
    } catch {
      if (Date.now() - t0 > 180_000) rmSync(lock, { force: true }); // a crashed builder's lock
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!fresh()) {
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'pipe' });
      } catch (err) {
        // tsc still emits on type errors (e.g. someone else's half-done edit); only a missing build is fatal.
        if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw err;
        console.warn(`ensureBuilt: tsc reported errors; testing the emitted build:\n${String((err as { stdout?: Buffer }).stdout ?? '').slice(0, 2000)}`);
      }
    }
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/** A path relative to the repository, for messages. */
export const rel = (p: string) => relative(ROOT, p);
