/** The grid an output is written on: the input's size, geotransform and CRS. */
export interface GridSpec {
  width: number;
  height: number;
  geoTransform: number[] | null;
  srsWkt: string | null;
}
