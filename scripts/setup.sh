#!/usr/bin/env bash
# One command on a fresh Debian machine: install what is missing, build, and
# run smoothcluster on the bundled Lyngen sample.
#   bash scripts/setup.sh          (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: GDAL's development files (gdal-async is built against them),
# gdalinfo for users, and Python's GDAL + scikit-learn, which the test suite uses
# (GDAL's COG validator, the scikit-learn comparison), h5py and netCDF4, with which
# the tests write MintPy/LiCSBAS HDF5 and CF netCDF products; DejaVu fonts, which the
# PNG plots and map load by file (text in them needs a font); and Chromium, in
# which the tests open the HTML report (driven by playwright-core, no download).
packages=(libgdal-dev gdal-bin python3-gdal python3-sklearn python3-numpy python3-h5py python3-netcdf4 fonts-dejavu-core chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies; .npmrc makes gdal-async build against the system GDAL
# (about two minutes), and `prepare` compiles the TypeScript.
echo "setup: npm ci (builds gdal-async against the system GDAL $(gdal-config --version))" >&2
npm ci --no-audit --no-fund

# The main job on the bundled sample.
mkdir -p out
echo "setup: smoothcluster run on data-samples/lyngen" >&2
npx --no-install smoothcluster run data-samples/lyngen/displacement.tif \
  --static data-samples/lyngen/static.tif --out out/lyngen.tif --overwrite
echo "setup: done; outputs in out/ (open out/lyngen.tif in QGIS). Run the tests with: npm test" >&2
