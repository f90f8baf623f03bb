/**
 * The contract between a user's SCENE argument and the pipeline: every product
 * reader (dated GeoTIFF, MintPy / LiCSBAS HDF5, CF netCDF, single-date rasters,
 * point CSVs) turns its input into a `ResolvedSource` — a GDAL-openable stack the
 * existing `openScene` reads unchanged — plus where each fact came from. Nothing
 * downstream knows which product it came from. `--static` arguments have the same
 * kind of contract (a `StaticReader` resolves one into a `ResolvedStatic`).
 */
import type { CellStat, PointGridRecord, SeriesReference } from '../../points/grid.js';
import type { PointsOnMap } from '../../points/mapPoints.js';

/** Where a scene's description came from; shown by `info`, kept in the sidecar, the report and the COG metadata. */
export interface Provenance {
  /** Product family, e.g. 'GeoTIFF stack', 'MintPy', 'LiCSBAS', 'netCDF (CF)', 'single-date rasters', 'EGMS L2b', 'InSAR Norway', 'points'. */
  product: string;
  /** The files actually read (after glob / @list expansion). */
  inputs: string[];
  /** Where the grid came from, e.g. "root attributes X_FIRST/Y_FIRST/X_STEP/Y_STEP". */
  gridFrom: string;
  /** Where the CRS came from, e.g. "EPSG attribute", "--crs", "lat/lon coordinates (EPSG:4326)". */
  crsFrom: string;
  /** Where the dates came from, e.g. "'date' dataset", "file names", "--dates". */
  datesFrom: string;
  /** Unit conversion applied on reading, e.g. "m, multiplied by 1000 to mm"; "mm (as stored)". */
  units: string;
  /** The reference date of the series, when the product states one (ISO). */
  referenceDate: string | null;
  /** The reference point, when the product states one (e.g. "lat 69.6, lon 20.1" or "x 120, y 88"). */
  referencePoint: string | null;
  /** Sign convention and component, e.g. "line of sight, positive towards the satellite". */
  sign: string;
  /** Anything else a user should know (overrides applied, files re-gridded, ...). */
  notes: string[];
}

/** One regime as the labelled points show it (the COG's label, name and colour). */
export interface PointRegime {
  label: number;
  name: string;
  rgb: [number, number, number];
}

/** What `run` / `predict` ask of a point source once the label raster is written. */
export interface PointLabelRequest {
  /** The written label raster (same grid as the gridded stack). */
  labels: string;
  regimes: PointRegime[];
  /** Where to write: FILE.gpkg (with FILE.qml beside it) or FILE.csv. */
  out: string;
  /** QGIS style to write beside a GeoPackage, or null. */
  qml: string | null;
}

/**
 * The way back from cells to points: a point source keeps each input point's
 * cell, so the partition of the grid can be written onto the points themselves.
 */
export interface PointJoin {
  /** The grid the points were gridded onto (recorded in a model, so `predict` grids onto the same cells). */
  grid: PointGridRecord;
  /** How many input points. */
  points: number;
  /** Writes every input point with its cell's regime; returns the files written. */
  writeLabelledPoints(request: PointLabelRequest): Promise<string[]>;
  /** The points for the quick-look map, with the labels of `labels` (the label raster): at most `max` of them. */
  pointsOnMap(request: { labels: string; max: number }): PointsOnMap;
}

/** A SCENE argument turned into what `openScene` reads. */
export interface ResolvedSource {
  /** The user's argument, as given (used in messages). */
  input: string;
  /**
   * GDAL-openable multiband stack: one band per date, band descriptions = ISO dates,
   * values in mm, georeferenced (or the original path when it already is one).
   */
  path: string;
  /** Static rasters the source brings itself (GDAL-openable, one named band per layer); added after --static. */
  statics: string[];
  provenance: Provenance;
  /** Removes temporaries (VRTs in /vsimem/, gridded files in TMPDIR); safe to call twice. */
  dispose(): void;
  /** Point products only: how to put the regimes back on the input points. */
  points?: PointJoin;
}

/** Point-product options (`--x-column`, `--cell-size`, ...); raster readers ignore them. */
export interface PointSourceOptions {
  /** `--x-column` / `--y-column`: the coordinate columns, when not found by pattern. */
  xColumn?: string;
  yColumn?: string;
  /** `--points-crs`: CRS of the coordinate columns (default: EPSG:3035 for EGMS easting/northing, EPSG:4326 for lat/lon). */
  pointsCrs?: string;
  /** `--cell-size` metres (default: from the point spacing). */
  cellSize?: number;
  /** `--grid-crs` (default: the UTM zone of the points' centre). */
  gridCrs?: string;
  /** `--cell-stat` (default mean). */
  cellStat?: CellStat;
  /** `--reference` (default first). */
  reference?: SeriesReference;
  /** `--static-columns a,b` or 'none' (default: the products' usual attributes present). */
  staticColumns?: string[] | 'none';
  /** A saved model's grid: grid onto its cells (its CRS and cell size), with its reference and cell statistic. */
  targetGrid?: PointGridRecord;
  /** `--points-out FILE.gpkg|FILE.csv`: where `run` / `predict` write the labelled points (default OUT.points.gpkg). */
  pointsOut?: string;
}

/** What every reader may be told by the command line (`--crs`, `--dates`, ...). */
export interface SourceOptions {
  /** `--crs EPSG:NNNN|WKT|PROJ`: assign this CRS (as `gdal_translate -a_srs`), recorded in the provenance. */
  crs?: string;
  /** `--dates FILE|d1,d2,...`: assign these acquisition dates, recorded in the provenance. */
  dates?: string;
  /** Accept a scene without georeferencing (pixel units). */
  allowUngeoreferenced?: boolean;
  /** The caller reads a few windows only (`info`): skip one-off copies that only pay off over a whole pass. */
  preview?: boolean;
  /** Non-fatal findings for the user (stderr through the reporter). */
  warn?(message: string): void;
  /** Progress-level notes (e.g. "gridding 1.2 M points"). */
  info?(message: string): void;
  /** Point-product options. */
  points?: PointSourceOptions;
}

/**
 * One product family. `openSceneSource` asks the readers in order; the first that
 * claims an input resolves it (a reader may refuse with a UserError naming the file).
 */
export interface SourceReader {
  /** Product family, as `Provenance.product` names it. */
  name: string;
  /** True when this reader takes `input` (by extension, glob, @list, or a cheap look at the file). */
  claims(input: string): boolean;
  resolve(input: string, options: SourceOptions): Promise<ResolvedSource>;
}

/** A `--static` argument turned into GDAL-openable rasters (one named band per layer). */
export interface ResolvedStatic {
  /** The user's argument. */
  input: string;
  /** What `openStaticSource` opens. */
  path: string;
  dispose(): void;
}

/** One family of static layers (HDF5 datasets, netCDF variables...); the first that claims an argument resolves it. */
export interface StaticReader {
  name: string;
  claims(input: string): boolean;
  resolve(input: string, options: SourceOptions): Promise<ResolvedStatic>;
}

/** The overrides a user gives on the command line (recorded in the sidecar and in sample/predict parts). */
export type SourceOverrides = Pick<SourceOptions, 'crs' | 'dates' | 'points'>;
