import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { WEIGHT_FUNCTIONS, type WeightName } from '../graph/weights.js';
import { defaultThreads } from '../pipeline/engine/workerPool.js';
import { AGGREGATES, DEFAULTS, FEATURE_MODES, type FeatureMode, type MethodOptions } from '../pipeline/options.js';
import { sourceOptionsFrom } from './sourceOptions.js';

/** Options every command that smooths a scene takes (graph, smoothing, features). */
export function withSmoothingOptions(y: Argv): Argv {
  return y
    .option('static', { type: 'string', array: true, default: [], describe: 'static raster(s): height, coherence, slope...; warped onto the scene grid if needed', group: 'Features:' })
    .option('features', { requiresArg: true, choices: FEATURE_MODES, describe: 'features to smooth and cluster [default: dyn+static with --static, else dyn]', group: 'Features:' })
    .option('static-weight', { requiresArg: true, type: 'number', default: DEFAULTS.staticWeight, describe: 'weight of the static block against the dynamic block', group: 'Features:' })
    .option('radius', { requiresArg: true, type: 'number', default: DEFAULTS.radius, describe: 'neighbour window radius in pixels', group: 'Graph:' })
    .option('connectivity', { requiresArg: true, type: 'number', choices: [4, 8], default: DEFAULTS.connectivity, describe: 'neighbours for radius 1', group: 'Graph:' })
    .option('weights', { requiresArg: true, choices: Object.keys(WEIGHT_FUNCTIONS), default: DEFAULTS.weights, describe: 'edge weights by ground distance', group: 'Graph:' })
    .option('sigma', { requiresArg: true, type: 'number', describe: 'gaussian sigma in metres [default: the pixel size]', group: 'Graph:' })
    .option('fanout', { requiresArg: true, type: 'number', describe: 'keep at most this many neighbours per pixel (deterministic sample) [default: all]', group: 'Graph:' })
    .option('max-missing', { requiresArg: true, type: 'number', default: DEFAULTS.maxMissing, describe: 'largest share of missing dates a pixel may have', group: 'Graph:' })
    .option('hops', { requiresArg: true, type: 'number', default: DEFAULTS.hops, describe: 'smoothing hops H', group: 'Smoothing:' })
    .option('alpha', { requiresArg: true, type: 'number', default: DEFAULTS.alpha, describe: "weight of a pixel's own value per hop", group: 'Smoothing:' })
    .option('aggregate', { requiresArg: true, choices: AGGREGATES, default: DEFAULTS.aggregate, describe: 'neighbour aggregation: weighted mean or plain weighted sum', group: 'Smoothing:' })
    .option('seed', { requiresArg: true, type: 'number', default: DEFAULTS.seed, describe: 'seed of every random choice (neighbour sampling, training sample, k-means)', group: 'Clustering:' });
}

/** Options of the commands that fit a model. */
export function withClusterOptions(y: Argv): Argv {
  return y
    .option('k', { requiresArg: true, type: 'number', default: DEFAULTS.k, describe: 'number of regimes (2..254)', group: 'Clustering:' })
    .option('batch-size', { requiresArg: true, type: 'number', default: DEFAULTS.batchSize, describe: 'mini-batch size', group: 'Clustering:' })
    .option('warm-start', { requiresArg: true, type: 'number', default: DEFAULTS.warmStart, describe: 'pixels in the k-means++ warm-start pool', group: 'Clustering:' })
    .option('test-fraction', { requiresArg: true, type: 'number', default: DEFAULTS.testFraction, describe: 'share of sampled pixels held out for test inertia', group: 'Clustering:' })
    .option('max-epochs', { requiresArg: true, type: 'number', default: DEFAULTS.maxEpochs, describe: 'most passes over the training sample', group: 'Clustering:' })
    .option('restarts', { requiresArg: true, type: 'number', default: DEFAULTS.restarts, describe: 'complete k-means fits (seeding and fit) from different seeds; the lowest training inertia wins', group: 'Clustering:' })
    .option('sample-size', { requiresArg: true, type: 'number', default: DEFAULTS.sampleSize, describe: 'training pixels drawn uniformly over the scene', group: 'Clustering:' })
    .option('sample-cells', {
      requiresArg: true,
      type: 'number',
      default: DEFAULTS.sampleCells,
      describe: 'draw the training sample within this many hash-chosen cells of 256 x 256 pixels: the sample pass reads only those (faster without scratch space), but the sample sees less of the scene and the fit varies more (see README); 0: over every node',
      group: 'Clustering:',
    });
}

export function withExecutionOptions(y: Argv): Argv {
  return y
    .option('tile-size', { requiresArg: true, type: 'number', default: DEFAULTS.tileSize, describe: 'tile edge in pixels (results do not depend on it)', group: 'Execution:' })
    .option('overwrite', { type: 'boolean', default: false, describe: 'replace existing outputs', group: 'Execution:' })
    .option('allow-ungeoreferenced', { type: 'boolean', default: false, describe: 'accept a scene without georeferencing (distances in pixels)', group: 'Execution:' })
    .option('threads', { requiresArg: true, type: 'number', default: defaultThreads(), describe: 'worker threads for smoothing and assignment (1: on the main thread; default: every core, or the container CPU limit); results do not depend on it', group: 'Execution:' })
    .option('profile', { type: 'boolean', default: false, describe: 'print where the time of each pass goes (stderr)', group: 'Execution:' })
    .option('window-cache', {
      type: 'boolean',
      default: false,
      describe: 'keep decoded tiles in TMPDIR between passes when there is room (about twice the uncompressed scene); faster only on a fast disk, see README',
      group: 'Execution:',
    })
    .option('quiet', { type: 'boolean', default: false, describe: 'no progress or info messages', group: 'Execution:' });
}

/** What was given, in words: yargs turns `--k abc` into NaN and `--k 3 --k 4` into [3, 4]. */
function given(v: unknown): string {
  if (Array.isArray(v)) return `${v.join(' and ')} (the option was given ${v.length} times)`;
  if (typeof v === 'number' && Number.isNaN(v)) return 'a value that is not a number';
  return String(v);
}

function int(args: Record<string, unknown>, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = args[name] as number;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`--${name} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}; got ${given(args[name])}.`);
  }
  return v;
}

function num(args: Record<string, unknown>, name: string, min: number, max: number, what: string): number {
  const v = args[name] as number;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name} must be ${what}; got ${given(args[name])}.`);
  return v;
}

/** Checks parsed options and builds the typed options object; range errors are usage errors (exit 2). */
export function methodOptionsFrom(args: Record<string, unknown>): MethodOptions {
  const statics = (args.static as string[] | undefined) ?? [];
  const features = (args.features as FeatureMode | undefined) ?? (statics.length ? 'dyn+static' : 'dyn');
  const fanout = args.fanout === undefined ? null : int(args, 'fanout', 1);
  const sigma = args.sigma === undefined ? null : num(args, 'sigma', Number.MIN_VALUE, Infinity, 'a positive distance in metres');
  const k = args.k === undefined ? DEFAULTS.k : int(args, 'k', 2, 254);
  return {
    graph: {
      radius: int(args, 'radius', 1, 64),
      connectivity: int(args, 'connectivity', 4, 8) as 4 | 8,
      weights: args.weights as WeightName,
      sigma,
      fanout,
      maxMissing: num(args, 'max-missing', 0, 1, 'a share from 0 to 1'),
    },
    smoothing: {
      hops: int(args, 'hops', 0, 1000),
      alpha: num(args, 'alpha', 0, 1, 'from 0 to 1 (the weight of a pixel\'s own value)'),
      aggregate: args.aggregate as 'mean' | 'sum',
    },
    features: { statics, features, staticWeight: num(args, 'static-weight', 0, 1e6, 'a non-negative weight') },
    cluster: {
      k,
      batchSize: args['batch-size'] === undefined ? DEFAULTS.batchSize : int(args, 'batch-size', 1),
      warmStart: args['warm-start'] === undefined ? DEFAULTS.warmStart : int(args, 'warm-start', 1),
      testFraction: args['test-fraction'] === undefined ? DEFAULTS.testFraction : num(args, 'test-fraction', 0, 0.9, 'a share from 0 to 0.9'),
      maxEpochs: args['max-epochs'] === undefined ? DEFAULTS.maxEpochs : int(args, 'max-epochs', 1),
      restarts: args.restarts === undefined ? DEFAULTS.restarts : int(args, 'restarts', 1, 100),
      sampleSize: args['sample-size'] === undefined ? DEFAULTS.sampleSize : int(args, 'sample-size', 2),
      sampleCells: args['sample-cells'] === undefined ? DEFAULTS.sampleCells : int(args, 'sample-cells', 0),
      seed: int(args, 'seed', 0, 2 ** 53),
    },
    execution: executionOptionsFrom(args),
    source: sourceOptionsFrom(args),
  };
}

export function executionOptionsFrom(args: Record<string, unknown>): MethodOptions['execution'] {
  return {
    tileSize: int(args, 'tile-size', 8, 16384),
    overwrite: Boolean(args.overwrite),
    allowUngeoreferenced: Boolean(args['allow-ungeoreferenced']),
    threads: args.threads === undefined ? defaultThreads() : int(args, 'threads', 1, 256),
    profile: Boolean(args.profile),
    windowCache: Boolean(args['window-cache']),
  };
}
