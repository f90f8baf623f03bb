#!/usr/bin/env bash
# Issue 11, point 7: the same 2048 x 2048 x 128 scene as a tiled GeoTIFF, MintPy HDF5
# (contiguous, 8 x 64 x 64 gzip chunks, one gzip chunk per date plane) and a netCDF-4 file,
# each run with every default; wall and CPU seconds (user + sys) from /usr/bin/time.
#   bash scripts/bench/products.sh [WORKDIR] [REPEATS]     (after npx tsc -p tsconfig.json)
# Needs about 12 GB in WORKDIR and, for the plane-chunked file, 1.7 GB in TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-bench-cache/products}
repeats=${2:-2}
bin="$PWD/bin/smoothcluster.js"
writer="$PWD/test/helpers/writeProducts.py"
mkdir -p "$work/out"
[ -f "$work/scene/displacement.tif" ] || node "$bin" synth --preset lyngen --width 2048 --height 2048 --dates 128 "$work/scene" --quiet
for c in contiguous 3d plane; do
  [ -f "$work/mintpy_$c/geo_timeseries.h5" ] || /usr/bin/python3 "$writer" mintpy "$work/scene/displacement.tif" "$work/scene/static.tif" "$work/mintpy_$c" --chunks "$c"
done
[ -f "$work/netcdf/disp_utm.nc" ] || /usr/bin/python3 "$writer" netcdf-projected "$work/scene/displacement.tif" "$work/scene/static.tif" "$work/netcdf"
for r in $(seq 1 "$repeats"); do
  for case in "tif:scene/displacement.tif" "mintpy-contiguous:mintpy_contiguous/geo_timeseries.h5" "mintpy-3d-chunks:mintpy_3d/geo_timeseries.h5" \
              "mintpy-plane-chunks:mintpy_plane/geo_timeseries.h5" "netcdf4-contiguous:netcdf/disp_utm.nc"; do
    name=${case%%:*}; scene=${case#*:}
    /usr/bin/time -f "$name run $r: wall %e s, cpu %U + %S s, peak %M KB" node "$bin" run "$work/$scene" --out "$work/out/$name.tif" --overwrite --verbose 2>&1 \
      | grep -E "^$name run|copied in" || true
  done
done
