import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // GDAL-backed tests write real rasters; give them room on 2-core machines.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
