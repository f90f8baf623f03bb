import { xmlEscape } from './vrt.js';
import { removeVsimem, vsimemPath, writeVsimem } from './vsimem.js';

/** One band of a VRT stack: a band of a GDAL-openable source, scaled to the unit wanted. */
export interface StackBand {
  /** GDAL path of the source (`HDF5:"/abs/f.h5"://timeseries`, `NETCDF:"/abs/f.nc":var`, a file). */
  source: string;
  /** 1-based band of the source. */
  sourceBand: number;
  /** Band description: the ISO date for a dynamic stack, the layer name for statics. */
  description: string;
  /** Multiplier to the wanted unit (1000 for metres to mm). */
  scale: number;
  /** Added after scaling (a source band's offset, in the wanted unit); 0 when absent. */
  offset?: number;
  /** The source's own nodata value (null: none, or NaN, which stays NaN). */
  sourceNodata: number | null;
  /** Band metadata items (e.g. DATE). */
  metadata?: Record<string, string>;
}

export interface StackVrtSpec {
  width: number;
  height: number;
  geoTransform: number[] | null;
  srsWkt: string | null;
  bands: StackBand[];
  /** Dataset metadata (the product and where its facts came from). */
  metadata?: Record<string, string>;
  /**
   * Block size the VRT announces: the product's chunk or tile edge, so readers that plan by
   * block (the pixel-interleaved read) visit each chunk once.
   */
  blockSize?: [number, number];
  /** Announce INTERLEAVE=PIXEL: each source chunk holds every date (3-D chunked HDF5). */
  pixelInterleaved?: boolean;
}

const num = (v: number) => (Number.isNaN(v) ? 'nan' : String(v));

function metadataXml(items: Record<string, string> | undefined, indent: string, domain?: string): string {
  if (!items || Object.keys(items).length === 0) return '';
  const mdi = Object.entries(items).map(([k, v]) => `${indent}  <MDI key="${xmlEscape(k)}">${xmlEscape(v)}</MDI>`).join('\n');
  return `${indent}<Metadata${domain ? ` domain="${domain}"` : ''}>\n${mdi}\n${indent}</Metadata>\n`;
}

/** The VRT XML of a Float32 stack with NaN nodata: one band per entry, scaled on read (ComplexSource ScaleRatio). */
export function stackVrtXml(spec: StackVrtSpec): string {
  const block = spec.blockSize ? ` blockXSize="${spec.blockSize[0]}" blockYSize="${spec.blockSize[1]}"` : '';
  const bands = spec.bands
    .map((b, i) => {
      const scale = (b.offset ? `      <ScaleOffset>${b.offset}</ScaleOffset>\n` : '') + (b.scale === 1 ? '' : `      <ScaleRatio>${b.scale}</ScaleRatio>\n`);
      const nodata = b.sourceNodata === null || Number.isNaN(b.sourceNodata) ? '' : `      <NODATA>${num(b.sourceNodata)}</NODATA>\n`;
      return (
        `  <VRTRasterBand dataType="Float32" band="${i + 1}"${block}>\n` +
        `    <Description>${xmlEscape(b.description)}</Description>\n` +
        metadataXml(b.metadata, '    ') +
        `    <NoDataValue>nan</NoDataValue>\n` +
        `    <ComplexSource>\n` +
        `      <SourceFilename relativeToVRT="0">${xmlEscape(b.source)}</SourceFilename>\n` +
        `      <SourceBand>${b.sourceBand}</SourceBand>\n` +
        `      <SrcRect xOff="0" yOff="0" xSize="${spec.width}" ySize="${spec.height}" />\n` +
        `      <DstRect xOff="0" yOff="0" xSize="${spec.width}" ySize="${spec.height}" />\n` +
        scale +
        nodata +
        `    </ComplexSource>\n` +
        `  </VRTRasterBand>\n`
      );
    })
    .join('');
  return (
    `<VRTDataset rasterXSize="${spec.width}" rasterYSize="${spec.height}">\n` +
    (spec.srsWkt ? `  <SRS>${xmlEscape(spec.srsWkt)}</SRS>\n` : '') +
    (spec.geoTransform ? `  <GeoTransform>${spec.geoTransform.map((v) => v.toPrecision(17)).join(', ')}</GeoTransform>\n` : '') +
    metadataXml(spec.metadata, '  ') +
    metadataXml(spec.pixelInterleaved ? { INTERLEAVE: 'PIXEL' } : undefined, '  ', 'IMAGE_STRUCTURE') +
    bands +
    `</VRTDataset>\n`
  );
}

/** Writes the stack VRT to /vsimem/ and returns its path and how to remove it. */
export function writeStackVrt(kind: string, spec: StackVrtSpec): { path: string; dispose: () => void } {
  const path = vsimemPath(kind);
  writeVsimem(path, stackVrtXml(spec));
  return { path, dispose: () => removeVsimem(path) };
}

/** The classic GDAL name of an HDF5 dataset (GDAL's HDF5 driver). */
export function hdf5Subdataset(file: string, dataset: string): string {
  return `HDF5:"${file}"://${dataset.replace(/^\/+/, '')}`;
}

/** The classic GDAL name of a netCDF variable. */
export function netcdfSubdataset(file: string, variable: string): string {
  return `NETCDF:"${file}":${variable}`;
}
