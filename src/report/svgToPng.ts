import { Resvg } from '@resvg/resvg-js';
import { PLOT_FONT } from './regimePlots.js';

/**
 * Renders an SVG to PNG with resvg. Text needs a font: `fontFiles` are loaded
 * explicitly (DejaVu Sans, which Debian's fonts-dejavu-core ships and
 * scripts/setup.sh installs); without them resvg falls back to the system's fonts.
 * `scale` > 1 renders more pixels per SVG unit (sharper plots).
 */
export function svgToPng(svg: string, fontFiles: string[], scale = 1): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: scale === 1 ? { mode: 'original' } : { mode: 'zoom', value: scale },
    font: {
      fontFiles,
      loadSystemFonts: fontFiles.length === 0,
      defaultFontFamily: PLOT_FONT,
      sansSerifFamily: PLOT_FONT,
    },
    background: 'white',
  });
  return resvg.render().asPng();
}
