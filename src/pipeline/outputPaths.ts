/** The files one run writes, named from `--out` (e.g. lyngen.tif -> lyngen.tif.aux.xml, lyngen.stats.json). */
export interface OutputPaths {
  raster: string;
  aux: string;
  stats: string;
}

export function outputPaths(out: string): OutputPaths {
  const stem = out.replace(/\.tiff?$/i, '');
  return { raster: out, aux: `${out}.aux.xml`, stats: `${stem}.stats.json` };
}
