import { writeFileSync } from 'node:fs';

/** One row of a thematic Raster Attribute Table. */
export interface RatRow {
  value: number;
  count: number;
  rgb: [number, number, number];
  name: string;
  /** Extra real-valued columns, in the order of `extraColumns`. */
  extra: number[];
}

export interface PamBand {
  description: string;
  categoryNames: string[];
  rat: { extraColumns: string[]; rows: RatRow[] };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// GDALRATFieldType: 0 Integer, 1 Real, 2 String. GDALRATFieldUsage: 0 Generic, 1 PixelCount,
// 2 Name, 5 MinMax, 6 Red, 7 Green, 8 Blue.
const FIXED_FIELDS: [string, number, number][] = [
  ['Value', 0, 5],
  ['Count', 0, 1],
  ['Red', 0, 6],
  ['Green', 0, 7],
  ['Blue', 0, 8],
  ['Name', 2, 2],
];

/**
 * The PAM `.aux.xml` text for band 1: description, category names and a
 * thematic RAT (gdal-async has no API for either; QGIS 3.30+ styles from the RAT).
 */
export function pamXml(band: PamBand): string {
  const fields = [...FIXED_FIELDS, ...band.rat.extraColumns.map((c): [string, number, number] => [c, 1, 0])];
  const defs = fields
    .map(([name, type, usage], i) => `      <FieldDefn index="${i}">\n        <Name>${esc(name)}</Name>\n        <Type>${type}</Type>\n        <Usage>${usage}</Usage>\n      </FieldDefn>`)
    .join('\n');
  const rows = band.rat.rows
    .map((r, i) => {
      const cells = [r.value, r.count, ...r.rgb, esc(r.name), ...r.extra.map((v) => (Number.isFinite(v) ? String(v) : '0'))];
      return `      <Row index="${i}">\n${cells.map((c) => `        <F>${c}</F>`).join('\n')}\n      </Row>`;
    })
    .join('\n');
  const categories = band.categoryNames.map((c) => `      <Category>${esc(c)}</Category>`).join('\n');
  return `<PAMDataset>
  <PAMRasterBand band="1">
    <Description>${esc(band.description)}</Description>
    <CategoryNames>
${categories}
    </CategoryNames>
    <GDALRasterAttributeTable tableType="thematic">
${defs}
${rows}
    </GDALRasterAttributeTable>
  </PAMRasterBand>
</PAMDataset>
`;
}

/** Band descriptions only (used to embed descriptions through a translate). */
export function pamDescriptionsXml(descriptions: string[], metadata: Record<string, string>[] = []): string {
  const bands = descriptions
    .map((d, i) => {
      const md = Object.entries(metadata[i] ?? {})
        .map(([k, v]) => `      <MDI key="${esc(k)}">${esc(v)}</MDI>`)
        .join('\n');
      return `  <PAMRasterBand band="${i + 1}">\n    <Description>${esc(d)}</Description>${md ? `\n    <Metadata>\n${md}\n    </Metadata>` : ''}\n  </PAMRasterBand>`;
    })
    .join('\n');
  return `<PAMDataset>\n${bands}\n</PAMDataset>\n`;
}

export function writePam(path: string, xml: string): void {
  writeFileSync(path, xml);
}
