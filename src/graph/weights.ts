/** An edge weight as a function of the ground distance between pixel centres (metres). */
export type WeightFunction = (distanceMetres: number, sigmaMetres: number) => number;

/**
 * The edge-weight functions, by the name the CLI accepts for `--weights`.
 * The CLI takes its choices from `Object.keys(WEIGHT_FUNCTIONS)`, so adding a
 * function here is all it takes to offer it.
 *
 * - `uniform`: 1 for every neighbour.
 * - `idw`: inverse distance, 1 / d.
 * - `gaussian`: exp(-d² / (2 σ²)), σ in metres.
 */
export const WEIGHT_FUNCTIONS = {
  uniform: (_distanceMetres: number, _sigmaMetres: number): number => 1,
  idw: (distanceMetres: number, _sigmaMetres: number): number => 1 / distanceMetres,
  gaussian: (distanceMetres: number, sigmaMetres: number): number =>
    Math.exp(-(distanceMetres * distanceMetres) / (2 * sigmaMetres * sigmaMetres)),
} as const satisfies Record<string, WeightFunction>;

/** A key of {@link WEIGHT_FUNCTIONS}. */
export type WeightName = keyof typeof WEIGHT_FUNCTIONS;

/** True when `name` is one of the {@link WEIGHT_FUNCTIONS} keys. */
export function isWeightName(name: string): name is WeightName {
  return Object.prototype.hasOwnProperty.call(WEIGHT_FUNCTIONS, name);
}

/**
 * Weight of every offset neighbour from its distance, in window order.
 *
 * @throws RangeError when the name is unknown, or sigma is not a positive finite number for `gaussian`
 */
export function weightsFromDistances(distances: Float64Array, weights: WeightName, sigmaMetres: number): Float64Array {
  if (!isWeightName(weights)) {
    throw new RangeError(`unknown weight function "${String(weights)}"; expected one of ${Object.keys(WEIGHT_FUNCTIONS).join(', ')}`);
  }
  if (weights === 'gaussian' && !(sigmaMetres > 0 && Number.isFinite(sigmaMetres))) {
    throw new RangeError(`gaussian weights need sigma > 0 metres, got ${sigmaMetres}`);
  }
  const weightOf: WeightFunction = WEIGHT_FUNCTIONS[weights];
  const result = new Float64Array(distances.length);
  for (let k = 0; k < distances.length; k++) result[k] = weightOf(distances[k], sigmaMetres);
  return result;
}
