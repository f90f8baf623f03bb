import tseslint from 'typescript-eslint';

// Compute never imports I/O (STYLE.md 2): graph, smooth, cluster and the point
// gridding work on typed arrays and bytes and know nothing of GDAL, files, the
// CLI or the terminal.
const computeBoundary = {
  files: ['src/graph/**', 'src/smooth/**', 'src/cluster/**', 'src/synth/**', 'src/hash/**', 'src/points/**', 'src/wasm/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: ['**/io/**', '**/cli/**', '**/pipeline/**', '**/report/**'], message: 'compute modules never import I/O, the CLI, pipeline or report' },
          { group: ['gdal-async', 'geotiff', 'yargs', 'node:fs', 'node:fs/*', 'fs', 'node:child_process', 'node:zlib', 'zlib', 'node:stream', 'node:os'], message: 'compute modules never do I/O' },
        ],
      },
    ],
  },
};

// The tile worker thread loads tileJob.ts and, through it, compute modules only:
// gdal-async cannot load in a worker_thread, and raster I/O stays on the main thread.
const workerBoundary = {
  files: ['src/pipeline/engine/tileWorker.ts', 'src/pipeline/engine/tileJob.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          // Relative imports leave src/pipeline/engine only for the compute folders.
          { regex: '^\\.\\./(?!\\.\\./(cluster|graph|smooth|hash|wasm)/)', message: 'the tile worker imports compute modules only (never src/io: gdal-async cannot load in a worker thread)' },
          { regex: '^\\./(?!tileJob\\.js$)', message: 'the tile worker imports only tileJob.js of the engine (never src/io through it)' },
          { group: ['gdal-async', 'geotiff', 'node:fs', 'node:fs/*', 'fs'], message: 'the tile worker does no I/O' },
        ],
      },
    ],
  },
};

// The plot worker thread draws with the report modules only (never src/io, for the same reason).
const plotWorkerBoundary = {
  files: ['src/pipeline/outputs/plotWorker.ts', 'src/report/regimePlotFiles.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: '^\\.\\./(?!\\.\\./report/)', message: 'the plot worker imports report modules only (never src/io: gdal-async cannot load in a worker thread)' },
          { regex: '^\\./(?!(regimePlots|reportSidecar|statsSidecar|svgToPng|regimePlotFiles)\\.js$)', message: 'the plot worker draws with the plot modules only' },
          { group: ['gdal-async', 'geotiff'], message: 'the plot worker does no raster I/O' },
        ],
      },
    ],
  },
};

// Only src/io talks to gdal-async.
const gdalOnlyInIo = {
  files: ['src/**'],
  ignores: ['src/io/**'],
  rules: {
    'no-restricted-imports': ['error', { paths: [{ name: 'gdal-async', message: 'only src/io imports gdal-async' }] }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench-cache/**'] },
  ...tseslint.configs.recommended,
  gdalOnlyInIo,
  computeBoundary,
  workerBoundary,
  plotWorkerBoundary,
  { rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }] } },
);
