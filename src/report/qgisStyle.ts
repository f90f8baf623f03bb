import { hexColour } from './palette.js';

/** One class of a paletted style: its raster value, colour and legend label. */
export interface StyleEntry {
  value: number;
  rgb: [number, number, number];
  label: string;
}

/** Escapes text for an XML attribute value. */
export function xmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * A QGIS layer style (`.qml`) for a classified raster: the "Paletted/Unique
 * values" renderer with one entry per class (QGIS loads `OUT.qml` beside
 * `OUT.tif` by itself). The nodata value is made fully transparent twice over:
 * `nodataColor=""` (no colour for GDAL nodata) and a transparency entry for
 * the value, so it stays transparent even if a user clears the layer's nodata.
 */
export function qgisPalettedStyle(entries: StyleEntry[], nodata: number): string {
  const palette = entries
    .map((e) => `        <paletteEntry value="${e.value}" color="${hexColour(e.rgb)}" alpha="255" label="${xmlAttribute(e.label)}"/>`)
    .join('\n');
  return `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28.0" styleCategories="Symbology" hasScaleBasedVisibilityFlag="0" minScale="1e+08" maxScale="0">
  <pipe>
    <provider>
      <resampling enabled="false" zoomedInResamplingMethod="nearestNeighbour" zoomedOutResamplingMethod="nearestNeighbour" maxOversampling="2"/>
    </provider>
    <rasterrenderer type="paletted" band="1" opacity="1" alphaBand="-1" nodataColor="">
      <rasterTransparency>
        <singleValuePixelList>
          <pixelListEntry min="${nodata}" max="${nodata}" percentTransparent="100"/>
        </singleValuePixelList>
      </rasterTransparency>
      <minMaxOrigin>
        <limits>None</limits>
        <extent>WholeRaster</extent>
        <statAccuracy>Estimated</statAccuracy>
        <cumulativeCutLower>0.02</cumulativeCutLower>
        <cumulativeCutUpper>0.98</cumulativeCutUpper>
        <stdDevFactor>2</stdDevFactor>
      </minMaxOrigin>
      <colorPalette>
${palette}
      </colorPalette>
    </rasterrenderer>
    <brightnesscontrast brightness="0" contrast="0" gamma="1"/>
    <huesaturation saturation="0" grayscaleMode="0" colorizeOn="0" colorizeRed="255" colorizeGreen="128" colorizeBlue="128" colorizeStrength="100"/>
    <rasterresampler maxOversampling="2"/>
    <resamplingStage>resamplingFilter</resamplingStage>
  </pipe>
  <blendMode>0</blendMode>
</qgis>
`;
}
