/**
 * Pure clustering compute: feature scaling, deterministic training samples, k-means++
 * seeding, mini-batch k-means, nearest-centre assignment and quality metrics.
 * Typed arrays in, typed arrays out; no I/O.
 */
export { applyScaler, fitScaler, SCALING_RULE, type FeatureLayout, type FeatureScaler } from './scaler.js';
export { BottomKSample, pixelUniform, type BottomKResult } from './hashSample.js';
export { defaultLocalTrials, kmeansPlusPlus, type Seeding } from './kmeansPlusPlus.js';
export { fitMiniBatchKMeans, type FitResult, type MiniBatchOptions, type StopReason } from './miniBatchKMeans.js';
export { fitBestOfRuns, type BestFitResult } from './bestOfFits.js';
export { assignNearest, sumNearestDistances, type KMeansModel } from './nearestCentre.js';
export { adjustedRandIndex, coherenceCounts, inertia, spatialCoherence, type CoherenceCounts } from './metrics.js';
export { SeededRandom } from './random.js';
export { orderCentresByVelocity, velocityPerYear } from './velocity.js';
