import { getGdal } from '../gdal.js';

/** Text for XML content and attributes. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The XML of a VRT held at a /vsimem/ path (left in place). */
export function readVsimemText(path: string): string {
  const g = getGdal();
  const bytes = g.vsimem.release(path);
  const text = Buffer.from(bytes).toString('utf8');
  g.vsimem.copy(Buffer.from(text, 'utf8'), path);
  return text;
}

/**
 * Sets the description of VRT bands (gdal-async cannot set band descriptions):
 * `descriptions` maps 1-based band numbers to their new description.
 */
export function setVrtBandDescriptions(xml: string, descriptions: Map<number, string>): string {
  return xml.replace(/<VRTRasterBand\b([^>]*)>([\s\S]*?)<\/VRTRasterBand>/g, (whole, attrs: string, body: string) => {
    const band = Number(/\bband="(\d+)"/.exec(attrs)?.[1]);
    const d = descriptions.get(band);
    if (d === undefined) return whole;
    const rest = body.replace(/\s*<Description>[\s\S]*?<\/Description>/, '');
    return `<VRTRasterBand${attrs}>\n    <Description>${xmlEscape(d)}</Description>${rest}</VRTRasterBand>`;
  });
}
