import { describePoints, type PointInfo } from '../io/points/describePoints.js';
import { pointReader } from '../io/points/pointReader.js';
import type { SourceOverrides } from '../io/sources/types.js';
import type { Reporter } from '../reporter.js';
import { describeScene, type SceneInfo } from './describeScene.js';

/** `info`: point files are described from their columns and the grid they would get; anything else as a raster scene. */
export async function describeInput(path: string, statics: string[], reporter: Reporter, maxMissing: number | undefined = undefined, source: SourceOverrides = {}): Promise<SceneInfo | PointInfo> {
  if (pointReader.claims(path)) return describePoints(path, source.points);
  return describeScene(path, statics, reporter, maxMissing, source);
}
