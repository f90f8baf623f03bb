#!/usr/bin/env node
// Run by scripts/setup.sh before `npm ci`: gdal-async is built against the system
// GDAL (setup.sh sets npm_config_build_from_source and npm_config_shared_gdal for
// that one command), so GDAL's development files must be there first. (Not an npm
// preinstall script: npm runs a project's preinstall after its dependencies' install
// scripts, so it would come after gdal-async's build had already failed.)
import { execFileSync } from 'node:child_process';

function gdalVersion() {
  try {
    return execFileSync('gdal-config', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const version = gdalVersion();
if (!version) {
  console.error(
    'smoothcluster: GDAL development files not found (no `gdal-config` on the PATH).\n' +
      'gdal-async is built against the system GDAL. Install them first:\n' +
      '  apt-get install -y libgdal-dev gdal-bin      (Debian/Ubuntu, as root)\n' +
      'or run scripts/setup.sh, which does this and the rest of the set-up.',
  );
  process.exit(1);
}
const [major, minor] = version.split('.').map(Number);
if (major < 3 || (major === 3 && minor < 4)) {
  console.error(`smoothcluster: GDAL ${version} is too old; gdal-async needs GDAL >= 3.4 (libgdal-dev).`);
  process.exit(1);
}
