/**
 * The contract between a user's SCENE argument and the pipeline: every product
 * reader (dated GeoTIFF, MintPy / LiCSBAS HDF5, CF netCDF, single-date rasters,
 * point CSVs) turns its input into a `ResolvedSource` — a GDAL-openable stack the
 * existing `openScene` reads unchanged — plus where each fact came from. Nothing
 * downstream knows which product it came from.
 */

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

/** The overrides a user gives on the command line (recorded in the sidecar and in sample/predict parts). */
export type SourceOverrides = Pick<SourceOptions, 'crs' | 'dates'>;
