import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawnWorker.js';
import { runTileJob, TileScratch, type TileJob, type TilePassSetup, type TileResult } from './tileJob.js';
import type { ToWorker } from './tileWorker.js';

/** Runs tile jobs: on worker threads, or (one thread) on the calling thread. */
export interface TileRunner {
  readonly threads: number;
  /** Starts a pass: its jobs all use `setup` (passes may overlap). */
  begin(setup: TilePassSetup): PassRunner;
  /** Ends its threads (the end of the run that owns it). */
  close(): Promise<void>;
}

export interface PassRunner {
  /** Runs a job; the job's planes go to the worker (transferred, unless shared) and come back in the result. */
  run(job: TileJob): Promise<TileResult>;
}

/**
 * CPUs a cgroup v2 `cpu.max` allows ("QUOTA PERIOD", or "max PERIOD" for no limit), whole
 * CPUs rounded down, at least 1; null when there is no limit or the text is not of that form.
 * A container with a CPU limit (a Kubernetes pod) sees every core of its node, but gets only
 * this much CPU time: more threads than that only add window buffers, not speed.
 */
export function cpuLimitOf(cpuMax: string): number | null {
  const m = /^\s*(max|\d+)\s+(\d+)\s*$/.exec(cpuMax);
  if (!m || m[1] === 'max') return null;
  const quota = Number(m[1]), period = Number(m[2]);
  if (!(quota > 0) || !(period > 0)) return null;
  return Math.max(1, Math.floor(quota / period));
}

/** The default for `--threads`: every core, or fewer when the container's CPU limit (cgroup `cpu.max`) is lower. */
export function defaultThreads(cpuMaxPath = '/sys/fs/cgroup/cpu.max'): number {
  const cores = availableParallelism();
  let limit: number | null = null;
  try {
    limit = cpuLimitOf(readFileSync(cpuMaxPath, 'utf8'));
  } catch {
    limit = null; // no cgroup v2 file (not Linux, or cgroup v1): every core
  }
  return limit === null ? cores : Math.min(cores, limit);
}

/**
 * `--threads 1`: the same pure tile function on the main thread, with no worker
 * and no copies, so a tile can be stepped through in a debugger (docs/DESIGN.md, "One tile function, two runners").
 */
class InProcessRunner implements TileRunner {
  readonly threads = 1;
  private readonly scratch = new TileScratch();
  begin(setup: TilePassSetup): PassRunner {
    return {
      run: async (job: TileJob): Promise<TileResult> => {
        // Yield first, so reads started before this job get going while it computes.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return runTileJob(setup, job, this.scratch);
      },
    };
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve: (r: TileResult) => void;
  reject: (e: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  busy: number;
  /** Setups this worker holds (it keeps the last few). */
  setups: number[];
  pending: Map<number, Pending>;
}

/** Setups a worker keeps; more than the passes that can overlap. */
const SETUPS_KEPT = 4;

/**
 * A pool of worker threads running {@link runTileJob}. Jobs go to the least busy
 * worker; the pool does not queue beyond what the caller submits (the caller bounds
 * tiles in flight). Idle workers are unref'd so they never keep the process alive;
 * the passes of one run share the pool, and the run closes it at its end.
 */
class WorkerPool implements TileRunner {
  private readonly workers: PoolWorker[] = [];
  private nextJob = 1;
  private nextSetup = 1;

  constructor(readonly threads: number) {}

  begin(setup: TilePassSetup): PassRunner {
    const setupId = this.nextSetup++;
    return { run: (job) => this.run(setupId, setup, job) };
  }

  private run(setupId: number, setup: TilePassSetup, job: TileJob): Promise<TileResult> {
    while (this.workers.length < this.threads) this.workers.push(this.start());
    const w = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    if (!w.setups.includes(setupId)) {
      w.worker.postMessage({ type: 'setup', setupId, setup, keep: SETUPS_KEPT } satisfies ToWorker);
      w.setups.push(setupId);
      if (w.setups.length > SETUPS_KEPT) w.setups.shift();
    }
    const id = this.nextJob++;
    const done = new Promise<TileResult>((resolve, reject) => w.pending.set(id, { resolve, reject }));
    if (w.busy++ === 0) w.worker.ref();
    // A window in a SharedArrayBuffer is seen by the worker as it is; any other is transferred.
    const buffer = job.planes.buffer;
    w.worker.postMessage({ type: 'job', id, setupId, job } satisfies ToWorker, buffer instanceof ArrayBuffer ? [buffer] : []);
    return done;
  }

  async close(): Promise<void> {
    const all = this.workers.splice(0);
    await Promise.all(all.map((w) => w.worker.terminate()));
  }

  private start(): PoolWorker {
    const worker = spawnWorker('./tileWorker.js', import.meta.url);
    const w: PoolWorker = { worker, busy: 0, setups: [], pending: new Map() };
    worker.unref();
    worker.on('message', (m: { type: 'result'; id: number; result: TileResult } | { type: 'error'; id: number; name: string; message: string; stack?: string }) => {
      const p = w.pending.get(m.id);
      if (!p) return;
      w.pending.delete(m.id);
      if (--w.busy === 0) worker.unref();
      if (m.type === 'result') p.resolve(m.result);
      else {
        const err = new Error(m.message);
        err.name = m.name;
        err.stack = `${m.name}: ${m.message} (in a tile worker)\n${m.stack ?? ''}`;
        p.reject(err);
      }
    });
    const fail = (err: Error) => {
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      for (const p of w.pending.values()) p.reject(err);
      w.pending.clear();
    };
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => fail(new Error(`a tile worker thread exited (code ${code})`)));
    return w;
  }
}

/** A runner for `threads` threads: in-process for 1, else a pool of worker threads (closed by its owner). */
export function tileRunner(threads: number): TileRunner {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return threads === 1 ? new InProcessRunner() : new WorkerPool(threads);
}
