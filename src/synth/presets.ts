/**
 * The three places a synthetic scene can imitate. A preset fixes where the
 * grid lies, what the land looks like and how its deformation regimes are
 * laid out and move; the seed only varies the details.
 */

/** Names of the synthetic presets. */
export type PresetName = 'lyngen' | 'nordnes' | 'svalbard';

/** Every preset name, in a fixed order: the CLI's `--preset` choices come from here. */
export const PRESET_NAMES: PresetName[] = ['lyngen', 'nordnes', 'svalbard'];

/** Regime names; the index is the truth value. */
export const REGIME_NAMES: readonly string[] = ['stable', 'subsidence', 'frost_heave', 'landslide'];
/** Truth value of stable ground. */
export const STABLE = 0;
/** Truth value of slow linear subsidence. */
export const SUBSIDENCE = 1;
/** Truth value of seasonal frost heave and thaw. */
export const FROST_HEAVE = 2;
/** Truth value of a landslide moving in summer steps. */
export const LANDSLIDE = 3;
/** Truth value (and nodata) of pixels without coverage: water, vegetation, glaciers. */
export const NO_COVERAGE = 255;

/**
 * How much a regime prefers a kind of terrain: weights of normalised elevation,
 * slope steepness and closeness to mid-elevation in the regime's placement score.
 */
export interface TerrainPreference {
  elevation: number;
  slope: number;
  midElevation: number;
}

/** Everything that makes one preset look like its place. */
export interface PresetDefinition {
  name: PresetName;
  description: string;
  centreLon: number;
  centreLat: number;
  /** Default ground pixel size in metres. */
  pixelSize: number;
  /** Which static layers the scene carries (the two real products differ). */
  staticLayers: 'mainland' | 'svalbard';
  /** The fjord: on which side of the scene, how far in (fraction), how ragged its shore. */
  coast: { side: 'west' | 'north'; position: number; raggedness: number };
  /** Fraction of the scene over which land rises from the shore to the mountains. */
  landRise: number;
  /** A valley carved across the land, or none. */
  valley?: { runs: 'east-west' | 'north-south'; position: number; halfWidth: number; depth: number };
  /** Elevation of the highest ground, metres. */
  reliefMetres: number;
  /** Coverage gaps besides the fjord: vegetated lowland or glaciated highland; fraction of the land. */
  gaps: { kind: 'vegetation' | 'glacier'; fraction: number };
  /** Fraction of the covered land in each moving regime; the rest is stable. */
  fractions: { landslide: number; subsidence: number; frostHeave: number };
  preferences: { landslide: TerrainPreference; subsidence: TerrainPreference; frostHeave: TerrainPreference };
  /** Linear subsidence rate range, mm/yr (negative: away from the satellite). */
  subsidenceRate: [number, number];
  /**
   * Semi-amplitude range of the seasonal frost heave and thaw, mm: centimetre-scale, as
   * InSAR shows on permafrost (Adventdalen: several cm peak to peak).
   */
  frostAmplitude: [number, number];
  /** Day of year of the highest frost heave; thaw subsidence bottoms out half a year later. */
  frostPeakDay: number;
  /** Landslide displacement per snow-free season range, mm (negative: downslope, away). */
  landslideRate: [number, number];
  /** The snow-free season in which landslides move, days of year. */
  movingSeason: { firstDay: number; lastDay: number };
  /** Default first acquisition date. */
  startDate: string;
}

const mainlandPreferences = {
  // Slides sit on steep valley sides, halfway up.
  landslide: { elevation: 0, slope: 1.6, midElevation: 1.4 },
  // Subsidence is in the soft sediments of the low, flat valley floors and deltas.
  subsidence: { elevation: -2.6, slope: -0.8, midElevation: 0 },
  // Frost heave needs cold ground: the high, gentle plateaus (mountain permafrost).
  frostHeave: { elevation: 2.4, slope: -0.8, midElevation: 0 },
};

/** The preset table: the CLI, docs and tests all read it. */
export const PRESETS: Record<PresetName, PresetDefinition> = {
  lyngen: {
    name: 'lyngen',
    description: 'Lyngen Alps, Troms (69.32-69.46 N, 19.35-19.62 E): fjord to the west, steep valleys, mountain permafrost',
    centreLon: 19.485,
    centreLat: 69.39,
    pixelSize: 40,
    staticLayers: 'mainland',
    coast: { side: 'west', position: 0.12, raggedness: 0.05 },
    landRise: 0.25,
    valley: { runs: 'east-west', position: 0.55, halfWidth: 0.1, depth: 0.7 },
    reliefMetres: 1700,
    gaps: { kind: 'vegetation', fraction: 0.06 },
    fractions: { landslide: 0.1, subsidence: 0.15, frostHeave: 0.2 },
    preferences: mainlandPreferences,
    subsidenceRate: [-6, -12],
    frostAmplitude: [10, 16],
    frostPeakDay: 90,
    landslideRate: [-28, -40],
    movingSeason: { firstDay: 152, lastDay: 273 }, // 1 June - 30 September
    startDate: '2019-01-04',
  },
  nordnes: {
    name: 'nordnes',
    description: 'Nordnes, Lyngenfjord (69.55 N, 20.4 E): a fjord-side slope with a large active rockslide',
    centreLon: 20.4,
    centreLat: 69.55,
    pixelSize: 20,
    staticLayers: 'mainland',
    coast: { side: 'west', position: 0.2, raggedness: 0.04 },
    landRise: 0.35,
    reliefMetres: 900,
    gaps: { kind: 'vegetation', fraction: 0.05 },
    fractions: { landslide: 0.18, subsidence: 0.1, frostHeave: 0.17 },
    preferences: mainlandPreferences,
    subsidenceRate: [-5, -10],
    frostAmplitude: [8, 14],
    frostPeakDay: 95,
    landslideRate: [-38, -55],
    movingSeason: { firstDay: 152, lastDay: 273 },
    startDate: '2019-01-04',
  },
  svalbard: {
    name: 'svalbard',
    description: 'Adventdalen, Svalbard (78.2 N, 15.6 E): fjord to the north, permafrost valley floor, glaciers',
    centreLon: 15.6,
    centreLat: 78.2,
    pixelSize: 40,
    staticLayers: 'svalbard',
    coast: { side: 'north', position: 0.15, raggedness: 0.04 },
    landRise: 0.3,
    valley: { runs: 'east-west', position: 0.6, halfWidth: 0.12, depth: 0.85 },
    reliefMetres: 950,
    gaps: { kind: 'glacier', fraction: 0.06 },
    fractions: { landslide: 0.1, subsidence: 0.12, frostHeave: 0.3 },
    preferences: {
      // Solifluction lobes and rock glaciers on the valley sides.
      landslide: { elevation: 0, slope: 1.6, midElevation: 1.2 },
      // Settling near the shore and the town, on thick marine sediments.
      subsidence: { elevation: -2.6, slope: -0.6, midElevation: 0 },
      // Continuous permafrost: the flat valley floor and plateaus heave and thaw every year.
      frostHeave: { elevation: -0.6, slope: -2.2, midElevation: 0 },
    },
    subsidenceRate: [-5, -10],
    frostAmplitude: [14, 24],
    frostPeakDay: 100,
    landslideRate: [-24, -34],
    movingSeason: { firstDay: 182, lastDay: 258 }, // 1 July - 15 September
    startDate: '2019-01-04',
  },
};
