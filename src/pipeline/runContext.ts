import { UserError } from '../errors.js';
import { pixelSizeAtRow } from '../graph/groundDistance.js';
import type { Scene } from '../io/scene.js';
import type { Window } from '../io/readWindow.js';
import { haloWidth } from '../smooth/smoothTile.js';
import type { GraphParams, SmoothParams } from '../smooth/types.js';
import type { MethodOptions } from './options.js';
import type { RunSession } from './session.js';
import { tileLayout, type TileLayout } from './engine/tileLayout.js';
import type { TileMode, TilePassSetup } from './engine/tileJob.js';

/** Everything a pass over the scene needs, derived once from the run's scene and the options. */
export interface RunContext {
  /** The command's resources (tile runner, buffers, window cache); see RunSession. */
  session: RunSession;
  scene: Scene;
  options: MethodOptions;
  graph: GraphParams;
  smoothing: SmoothParams;
  nDates: number;
  nStatic: number;
  useStatics: boolean;
  nFeatures: number;
  featureNames: string[];
  halo: number;
  /** The output tiles of every pass, row-major: the cores of `layout`. */
  tiles: Window[];
  /** How the passes read their tiles (block-aligned cells plus halo strips; see TileLayout). */
  layout: TileLayout;
  /** Ground size of a pixel at the scene centre, metres (x, y). */
  pixelSizeMetres: [number, number];
}

/** The run context of `options` on the session's scene (a sweep makes one per smoothing setting). */
export function prepareRun(session: RunSession, options: MethodOptions): RunContext {
  const { scene } = session;
  const useStatics = options.features.features === 'dyn+static';
  if (useStatics && scene.staticNames.length === 0) {
    throw new UserError('--features dyn+static needs static layers: pass them with --static FILE (or use --features dyn).');
  }
  const nDates = scene.dateBands.length;
  const nStatic = scene.staticNames.length;
  const pixelSizeMetres = pixelSizeAtRow(scene.grid, Math.floor(scene.height / 2));
  const g = options.graph;
  const graph: GraphParams = {
    radius: g.radius,
    connectivity: g.connectivity,
    weights: g.weights,
    sigma: g.sigma ?? Math.sqrt(pixelSizeMetres[0] * pixelSizeMetres[1]),
    fanout: g.fanout,
    seed: options.cluster.seed,
    rasterWidth: scene.width,
    rasterHeight: scene.height,
    grid: scene.grid,
  };
  const smoothing: SmoothParams = { ...options.smoothing };
  const dateNames = scene.dates ?? scene.dateBands.map((b) => `band_${b}`);
  const halo = haloWidth(graph, smoothing);
  const layout = tileLayout(scene.width, scene.height, options.execution.tileSize, halo);
  return {
    session,
    scene,
    options,
    graph,
    smoothing,
    nDates,
    nStatic,
    useStatics,
    nFeatures: nDates + (useStatics ? nStatic : 0),
    featureNames: useStatics ? [...dateNames, ...scene.staticNames] : dateNames,
    halo,
    tiles: layout.tiles,
    layout,
    pixelSizeMetres,
  };
}

/** What every tile pass hands its tile function: the graph, smoothing and node rule of this run. */
export function passSetup(ctx: RunContext, mode: TileMode): TilePassSetup {
  return {
    mode,
    graph: ctx.graph,
    smoothing: ctx.smoothing,
    nDates: ctx.nDates,
    nStatic: ctx.nStatic,
    useStatics: ctx.useStatics,
    dayOffsets: ctx.scene.dayOffsets,
    maxMissing: ctx.options.graph.maxMissing,
  };
}
