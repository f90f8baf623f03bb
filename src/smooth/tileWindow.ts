import type { GraphParams, Rect, SmoothParams } from './types.js';

/**
 * Halo, in pixels, that a tile must be read with so its core pixels see the same
 * H-hop neighbourhood as in the whole raster: information travels r pixels per hop.
 */
export function haloWidth(graph: { radius: number }, smooth: { hops: number }): number {
  return smooth.hops * graph.radius;
}

/** `rect` grown by `margin` pixels on every side, clipped to the raster. */
export function expandRectWithinRaster(rect: Rect, margin: number, rasterWidth: number, rasterHeight: number): Rect {
  const x0 = Math.max(0, rect.x0 - margin);
  const y0 = Math.max(0, rect.y0 - margin);
  const x1 = Math.min(rasterWidth, rect.x0 + rect.width + margin);
  const y1 = Math.min(rasterHeight, rect.y0 + rect.height + margin);
  return { x0, y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * The window to read for a tile core: the core plus the halo of {@link haloWidth}, clipped
 * at the raster edges. Reading exactly this window is what `smoothTile` expects.
 */
export function haloWindow(
  core: Rect,
  graph: Pick<GraphParams, 'radius' | 'rasterWidth' | 'rasterHeight'>,
  smooth: Pick<SmoothParams, 'hops'>,
): Rect {
  return expandRectWithinRaster(core, haloWidth(graph, smooth), graph.rasterWidth, graph.rasterHeight);
}

/** True when `inner` lies entirely within `outer`. */
export function rectContains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x0 >= outer.x0 &&
    inner.y0 >= outer.y0 &&
    inner.x0 + inner.width <= outer.x0 + outer.width &&
    inner.y0 + inner.height <= outer.y0 + outer.height
  );
}

function describeRect(rect: Rect): string {
  return `${rect.width}x${rect.height} at (col ${rect.x0}, row ${rect.y0})`;
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/**
 * Checks that a tile window lies in the raster and covers the core plus its halo, so a
 * pipeline bug surfaces as a clear error instead of silently tile-dependent results.
 *
 * @throws RangeError naming what was expected and what was found
 */
export function assertTileCoversCore(
  window: Rect,
  core: Rect,
  graph: Pick<GraphParams, 'radius' | 'rasterWidth' | 'rasterHeight'>,
  smooth: Pick<SmoothParams, 'hops'>,
): void {
  for (const [name, rect] of [['tile window', window], ['core', core]] as const) {
    if (![rect.x0, rect.y0, rect.width, rect.height].every(isCount)) {
      throw new RangeError(`${name} must have non-negative integer x0, y0, width, height; got ${JSON.stringify(rect)}`);
    }
  }
  const raster: Rect = { x0: 0, y0: 0, width: graph.rasterWidth, height: graph.rasterHeight };
  if (!rectContains(raster, window)) {
    throw new RangeError(`tile window ${describeRect(window)} extends beyond the ${graph.rasterWidth}x${graph.rasterHeight} raster`);
  }
  if (core.width === 0 || core.height === 0) return;
  const needed = haloWindow(core, graph, smooth);
  if (!rectContains(window, needed)) {
    throw new RangeError(
      `tile window ${describeRect(window)} does not cover core ${describeRect(core)} plus its halo of ` +
        `${haloWidth(graph, smooth)} px (needs ${describeRect(needed)}); read the window from haloWindow()`,
    );
  }
}
