#!/usr/bin/env node
// Writes src/smooth/eightKernelsWasm.ts: the WebAssembly SIMD module of the 8-neighbour
// smoothing runs, as base64 (so the compute modules load it without reading a file). The
// kernels' text (WAT) is built below and assembled with wabt; test/smooth-eight-kernels.test.ts
// fails while the committed .ts and this script disagree.
//
//   node scripts/wasm/buildKernels.mjs            writes the .ts
//   node scripts/wasm/buildKernels.mjs --check    exit 1 if it is out of date
//   node scripts/wasm/buildKernels.mjs --wat      prints the kernels' text
//
// What the kernels compute, for window pixels i = start .. end - 1 of one row, never within the
// radius of the raster edge (so all 8 neighbours are in the window), v(d) = src[i + d]:
//   unit:      S = 0 + v(-w-1) + v(-w) + v(-w+1) + v(-1) + v(+1) + v(w-1) + v(w) + v(w+1)
//   weighted:  S = 0 + c0 v(-w-1) + c1 v(-w) + ... + c7 v(w+1)
//   dst[i + shift] = float32(alpha * v(0) + blend[i] * S)
// in float64, added left to right: the fixed order of src/smooth/smoothPlan.ts, the same bits
// as the scalar kernels of src/smooth/smoothPlanes.ts. A pair of pixels shares one f64x2 (each
// lane sums its own pixel in that order); a step does PAIRS pairs, so as many independent chains
// of additions run at once; then single pairs, then a last odd pixel as lane 0 of a pair.
// Arguments: src, dst (float32 planes), blend (float64 per window pixel) and weights (8 float64)
// are byte addresses in the imported memory; start, end, w (the window width) and shift are in
// elements. The odd pixel reads its right neighbour's neighbours too (up to 2 values past the
// last row's end): the caller leaves 16 bytes of room after each plane.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsPath = resolve(root, 'src/smooth/eightKernelsWasm.ts');
const PAIRS = 4;

/** Two neighbouring float32 at byte offset `off` from the address in local `base`, as two float64. */
const pair = (base, off) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${off} align=4 (local.get ${base})))`;

/** The rows' neighbouring pairs a step of `pairs` pairs reads, each loaded once into a local: $u0 is the pair at byte offset 0 of $up, $m4 at 4 of $mid, ... */
const rowLoads = (pairs) => ['u', 'm', 'd'].flatMap((row) => Array.from({ length: 2 * pairs + 1 }, (_v, n) => ({ local: `$${row}${4 * n}`, base: { u: '$up', m: '$mid', d: '$down' }[row], off: 4 * n })));

/** S of pair k of a step, the 8 terms in window order (the pairs are in the locals of {@link rowLoads}). */
function sum(weighted, k) {
  const o = 8 * k;
  const terms = [`$u${o}`, `$u${o + 4}`, `$u${o + 8}`, `$m${o}`, `$m${o + 8}`, `$d${o}`, `$d${o + 4}`, `$d${o + 8}`]
    .map((local, j) => (weighted ? `(f64x2.mul (local.get $c${j}) (local.get ${local}))` : `(local.get ${local})`));
  return terms.reduce((e, t) => `(f64x2.add ${e} ${t})`, '(f64x2.splat (f64.const 0))');
}

/** dst = float32(alpha * own + blend * S) for pair k of a step. */
const finish = (k) => `(v128.store64_lane offset=${8 * k} align=4 0 (local.get $out)
          (f32x4.demote_f64x2_zero (f64x2.add
            (f64x2.mul (local.get $va) (local.get $m${8 * k + 4}))
            (f64x2.mul (v128.load offset=${16 * k} align=8 (local.get $bl)) (local.get $s${k})))))`;

/** The addresses of a step starting at pixel i. */
const bases = `(local.set $mid (i32.add (local.get $src) (i32.shl (i32.sub (local.get $i) (i32.const 1)) (i32.const 2))))
        (local.set $up (i32.sub (local.get $mid) (local.get $wb)))
        (local.set $down (i32.add (local.get $mid) (local.get $wb)))
        (local.set $out (i32.add (local.get $dst) (i32.shl (i32.add (local.get $i) (local.get $shift)) (i32.const 2))))
        (local.set $bl (i32.add (local.get $blend) (i32.shl (local.get $i) (i32.const 3))))`;

function steps(weighted, pairs, label) {
  const loads = rowLoads(pairs).map((l) => `        (local.set ${l.local} ${pair(l.base, l.off)})`);
  const sums = Array.from({ length: pairs }, (_v, k) => `        (local.set $s${k} ${sum(weighted, k)})`);
  const finishes = Array.from({ length: pairs }, (_v, k) => `        ${finish(k)}`);
  const body = [...loads, ...sums, ...finishes];
  return `    (block $${label}Done
      (loop $${label}
        (br_if $${label}Done (i32.gt_s (i32.add (local.get $i) (i32.const ${2 * pairs})) (local.get $end)))
        ${bases}
${body.join('\n')}
        (local.set $i (i32.add (local.get $i) (i32.const ${2 * pairs})))
        (br $${label})))`;
}

function kernel(name, weighted) {
  const params = `(param $src i32) (param $dst i32) (param $blend i32) (param $i i32) (param $end i32) (param $w i32) (param $shift i32) (param $alpha f64)${weighted ? ' (param $weights i32)' : ''}`;
  const weightLocals = weighted ? `\n    ${Array.from({ length: 8 }, (_v, j) => `(local $c${j} v128)`).join(' ')}` : '';
  const weightSets = weighted ? Array.from({ length: 8 }, (_v, j) => `\n    (local.set $c${j} (v128.load64_splat offset=${8 * j} align=8 (local.get $weights)))`).join('') : '';
  return `
  (func (export "${name}") ${params}
    (local $wb i32) (local $va v128) (local $mid i32) (local $up i32) (local $down i32) (local $out i32) (local $bl i32)
    ${Array.from({ length: PAIRS }, (_v, k) => `(local $s${k} v128)`).join(' ')}
    ${rowLoads(PAIRS).map((l) => `(local ${l.local} v128)`).join(' ')}${weightLocals}
    (local.set $wb (i32.shl (local.get $w) (i32.const 2)))
    (local.set $va (f64x2.splat (local.get $alpha)))${weightSets}
${steps(weighted, PAIRS, 'steps')}
${steps(weighted, 1, 'pairs')}
    (if (i32.lt_s (local.get $i) (local.get $end))
      (then
        ${bases}
${rowLoads(1).map((l) => `        (local.set ${l.local} ${pair(l.base, l.off)})`).join('\n')}
        (local.set $s0 ${sum(weighted, 0)})
        (f32.store (local.get $out) (f32.demote_f64 (f64.add
          (f64.mul (local.get $alpha) (f64.promote_f32 (f32.load offset=4 (local.get $mid))))
          (f64.mul (f64.load (local.get $bl)) (f64x2.extract_lane 0 (local.get $s0))))))))
  )`;
}

/** The kernels' text. */
export function kernelsWat() {
  return `(module\n  (import "env" "memory" (memory 1))${kernel('unitEight', false)}${kernel('weightedEight', true)}\n)\n`;
}

/** The .ts text: the assembled kernels as base64. */
export async function kernelsModuleText() {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('eightKernels.wat', kernelsWat(), { simd: true });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const chunks = Buffer.from(buffer).toString('base64').match(/.{1,100}/g);
  return [
    '// Generated by scripts/wasm/buildKernels.mjs (which documents the kernels): do not edit.',
    '/** The WebAssembly SIMD module of the 8-neighbour smoothing runs, base64. */',
    'export const EIGHT_KERNELS_WASM =',
    chunks.map((c) => `  '${c}'`).join(' +\n') + ';',
    '',
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--wat')) {
    process.stdout.write(kernelsWat());
  } else if (process.argv.includes('--check')) {
    if (readFileSync(tsPath, 'utf8') !== (await kernelsModuleText())) {
      console.error(`${tsPath} is out of date: run node scripts/wasm/buildKernels.mjs`);
      process.exit(1);
    }
  } else {
    writeFileSync(tsPath, await kernelsModuleText());
    console.log(`wrote ${tsPath}`);
  }
}
