#!/usr/bin/env node
// Writes src/wasm/kernelsWasm.ts: the WebAssembly SIMD module of the hot loops (the
// 8-neighbour smoothing runs, the nearest-centre assignment, the floating-point predictor and
// the split of pixel-interleaved words into planes), as base64 (so the compute
// modules load it without reading a file). The kernels' text (WAT) is built below and
// assembled with wabt; test/wasm-kernels.test.ts fails while the committed .ts and this
// script disagree.
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
const tsPath = resolve(root, 'src/wasm/kernelsWasm.ts');
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
  (func $${name} (export "${name}") ${params}
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

// One hop over a list of runs (src/smooth/smoothPlanes.ts): spans holds n runs of 4 int32
// (row y, first column x0, end column x1, edge flag), in global pixel coordinates. Each run
// with edge flag 0 goes to unitEight (weighted = 0) or weightedEight with the row's 8 weights
// at weights + 64 (y - weightsY0); runs with the flag set are left to the caller. The run's
// pixels are window pixels j w + (x - wx0), j = y - wy0; for the last hop (last = 1) dst is the
// core plane (width cw, origin cx0, cy0), so shift = (y - cy0) cw - cx0 - j w + wx0, else 0.
const spanKernel = `
  (func (export "hopSpans") (param $spans i32) (param $n i32) (param $src i32) (param $dst i32) (param $blend i32)
    (param $w i32) (param $wx0 i32) (param $wy0 i32) (param $last i32) (param $cx0 i32) (param $cy0 i32) (param $cw i32)
    (param $alpha f64) (param $weighted i32) (param $weights i32) (param $weightsY0 i32)
    (local $end i32) (local $y i32) (local $x0 i32) (local $j i32) (local $start i32) (local $stop i32) (local $shift i32)
    (local.set $end (i32.add (local.get $spans) (i32.shl (local.get $n) (i32.const 4))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $spans) (local.get $end)))
        (if (i32.eqz (i32.load offset=12 (local.get $spans)))
          (then
            (local.set $y (i32.load (local.get $spans)))
            (local.set $x0 (i32.load offset=4 (local.get $spans)))
            (local.set $j (i32.sub (local.get $y) (local.get $wy0)))
            (local.set $start (i32.add (i32.mul (local.get $j) (local.get $w)) (i32.sub (local.get $x0) (local.get $wx0))))
            (local.set $stop (i32.add (local.get $start) (i32.sub (i32.load offset=8 (local.get $spans)) (local.get $x0))))
            (local.set $shift (select
              (i32.add (i32.sub (i32.sub (i32.mul (i32.sub (local.get $y) (local.get $cy0)) (local.get $cw)) (local.get $cx0)) (i32.mul (local.get $j) (local.get $w))) (local.get $wx0))
              (i32.const 0)
              (local.get $last)))
            (if (local.get $weighted)
              (then (call $weightedEight (local.get $src) (local.get $dst) (local.get $blend) (local.get $start) (local.get $stop) (local.get $w) (local.get $shift) (local.get $alpha)
                (i32.add (local.get $weights) (i32.shl (i32.sub (local.get $y) (local.get $weightsY0)) (i32.const 6)))))
              (else (call $unitEight (local.get $src) (local.get $dst) (local.get $blend) (local.get $start) (local.get $stop) (local.get $w) (local.get $shift) (local.get $alpha))))))
        (local.set $spans (i32.add (local.get $spans) (i32.const 16)))
        (br $next))))`;

// Missing dates per pixel (src/smooth/gapFillPlanes.ts), for n consecutive date planes of
// `plane` float32 at `planes`: per pixel p, with m(d) = 1 when the value's exponent bits are
// all ones (NaN or +-Infinity), missing[p] += m(0) + ... + m(n - 1) and
// blocks[p] |= m(d) << shifts[d] (int32 arrays). Four pixels per i32x4, a last partial group
// one by one. Returns 1 when one of the values is +-Infinity, else 0.
const missingKernel = `
  (func (export "countMissing") (param $planes i32) (param $n i32) (param $plane i32) (param $missing i32) (param $blocks i32) (param $shifts i32) (result i32)
    (local $p i32) (local $d i32) (local $at i32) (local $stride i32) (local $vecEnd i32) (local $v v128) (local $m v128) (local $count v128) (local $bits v128) (local $inf v128)
    (local $s i32) (local $mi i32) (local $ci i32) (local $bi i32) (local $infi i32)
    (local.set $stride (i32.shl (local.get $plane) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $plane) (i32.const -4)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_s (local.get $p) (local.get $vecEnd)))
        (local.set $count (v128.const i32x4 0 0 0 0))
        (local.set $bits (v128.const i32x4 0 0 0 0))
        (local.set $at (i32.add (local.get $planes) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $d (i32.const 0))
        (block $datesDone
          (loop $dates
            (br_if $datesDone (i32.ge_s (local.get $d) (local.get $n)))
            (local.set $v (v128.load align=4 (local.get $at)))
            (local.set $m (i32x4.shr_u (i32x4.add (v128.and (local.get $v) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)) (v128.const i32x4 0x00800000 0x00800000 0x00800000 0x00800000)) (i32.const 31)))
            (local.set $count (i32x4.add (local.get $count) (local.get $m)))
            (local.set $bits (v128.or (local.get $bits) (i32x4.shl (local.get $m) (i32.load (i32.add (local.get $shifts) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $inf (v128.or (local.get $inf) (i32x4.eq (v128.and (local.get $v) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $dates)))
        (local.set $s (i32.add (local.get $missing) (i32.shl (local.get $p) (i32.const 2))))
        (v128.store align=4 (local.get $s) (i32x4.add (v128.load align=4 (local.get $s)) (local.get $count)))
        (local.set $s (i32.add (local.get $blocks) (i32.shl (local.get $p) (i32.const 2))))
        (v128.store align=4 (local.get $s) (v128.or (v128.load align=4 (local.get $s)) (local.get $bits)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_s (local.get $p) (local.get $plane)))
        (local.set $ci (i32.const 0))
        (local.set $bi (i32.const 0))
        (local.set $at (i32.add (local.get $planes) (i32.shl (local.get $p) (i32.const 2))))
        (local.set $d (i32.const 0))
        (block $tailDatesDone
          (loop $tailDates
            (br_if $tailDatesDone (i32.ge_s (local.get $d) (local.get $n)))
            (local.set $mi (i32.load (local.get $at)))
            (local.set $infi (i32.or (local.get $infi) (i32.eq (i32.and (local.get $mi) (i32.const 0x7fffffff)) (i32.const 0x7f800000))))
            (local.set $mi (i32.shr_u (i32.add (i32.and (local.get $mi) (i32.const 0x7f800000)) (i32.const 0x00800000)) (i32.const 31)))
            (local.set $ci (i32.add (local.get $ci) (local.get $mi)))
            (local.set $bi (i32.or (local.get $bi) (i32.shl (local.get $mi) (i32.load (i32.add (local.get $shifts) (i32.shl (local.get $d) (i32.const 2)))))))
            (local.set $at (i32.add (local.get $at) (local.get $stride)))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $tailDates)))
        (local.set $s (i32.add (local.get $missing) (i32.shl (local.get $p) (i32.const 2))))
        (i32.store (local.get $s) (i32.add (i32.load (local.get $s)) (local.get $ci)))
        (local.set $s (i32.add (local.get $blocks) (i32.shl (local.get $p) (i32.const 2))))
        (i32.store (local.get $s) (i32.or (i32.load (local.get $s)) (local.get $bi)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail)))
    (i32.or (v128.any_true (local.get $inf)) (local.get $infi)))`;

// The masked copy of the smoothing's first hop (src/smooth/smoothPlanes.ts): plane[i] &= mask[i]
// for i = 0 .. n - 1 (int32 words; mask is -1 for a node, 0 elsewhere), so a non-node becomes +0
// and a node keeps its bits. Four words per v128, a last partial group one by one.
const maskKernel = `
  (func (export "maskPlane") (param $plane i32) (param $mask i32) (param $n i32)
    (local $end i32) (local $vecEnd i32)
    (local.set $end (i32.add (local.get $plane) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $vecEnd (i32.add (local.get $plane) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $plane) (local.get $vecEnd)))
        (v128.store align=4 (local.get $plane) (v128.and (v128.load align=4 (local.get $plane)) (v128.load align=4 (local.get $mask))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 16)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 16)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $plane) (local.get $end)))
        (i32.store (local.get $plane) (i32.and (i32.load (local.get $plane)) (i32.load (local.get $mask))))
        (local.set $plane (i32.add (local.get $plane) (i32.const 4)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 4)))
        (br $tail))))`;

// The assignment (src/cluster/assignPlanes.ts), the same arithmetic as its scalar code:
//   gatherScale: out[j] = float32((plane[nodes[j]] - offset) * scale), j = 0 .. n - 1 (nodes: int32)
//   addGroup4:   for blocks of ASSIGN_BLOCK nodes, each centre c < k, each node j of the block:
//                dist[c n + j] = dist[c n + j] + d0 d0 + d1 d1 + d2 d2 + d3 d3 (left to right, float64),
//                d_q = scaled[q n + j] - e[4 c + q]   (scaled: 4 float32 planes of n; e, dist: float64)
//                two nodes per f64x2, a last odd node alone.
const ASSIGN_BLOCK = 1024;

/** d = scaled value at `s` + `off` bytes minus centre value `e`, for 2 nodes (f64x2) or 1 (f64); then acc += d * d. */
const term2 = (off, e) => `(local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=0 align=4 (i32.add (local.get $s) (${off})))) (local.get ${e})))
              (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $d) (local.get $d))))`;
const term1 = (off, e) => `(local.set $d1 (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $s) (${off})))) (f64x2.extract_lane 0 (local.get ${e}))))
            (local.set $acc1 (f64.add (local.get $acc1) (f64.mul (local.get $d1) (local.get $d1))))`;
const planeOffsets = ['i32.const 0', 'local.get $nb', 'local.get $nb2', 'local.get $nb3'];

const assignKernels = `
  (func (export "gatherScale") (param $plane i32) (param $nodes i32) (param $n i32) (param $offset f64) (param $scale f64) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $nodes) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $nodes) (local.get $end)))
        (f32.store (local.get $out) (f32.demote_f64 (f64.mul
          (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $plane) (i32.shl (i32.load (local.get $nodes)) (i32.const 2))))) (local.get $offset))
          (local.get $scale))))
        (local.set $nodes (i32.add (local.get $nodes) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))

  (func (export "addGroup4") (param $scaled i32) (param $n i32) (param $dist i32) (param $k i32) (param $e i32)
    (local $j0 i32) (local $j1 i32) (local $c i32) (local $j i32) (local $s i32) (local $dp i32)
    (local $nb i32) (local $nb2 i32) (local $nb3 i32)
    (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $d v128) (local $acc v128) (local $d1 f64) (local $acc1 f64)
    (local.set $nb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $nb2 (i32.shl (local.get $n) (i32.const 3)))
    (local.set $nb3 (i32.mul (local.get $n) (i32.const 12)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_s (local.get $j0) (local.get $n)))
        (local.set $j1 (select (local.get $n) (i32.add (local.get $j0) (i32.const ${ASSIGN_BLOCK}))
          (i32.lt_s (local.get $n) (i32.add (local.get $j0) (i32.const ${ASSIGN_BLOCK})))))
        (local.set $c (i32.const 0))
        (block $centresDone
          (loop $centres
            (br_if $centresDone (i32.ge_s (local.get $c) (local.get $k)))
            ${[0, 1, 2, 3].map((q) => `(local.set $e${q} (v128.load64_splat offset=${8 * q} align=8 (i32.add (local.get $e) (i32.shl (local.get $c) (i32.const 5)))))`).join('\n            ')}
            (local.set $j (local.get $j0))
            (block $pairsDone
              (loop $pairs
                (br_if $pairsDone (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $j1)))
                (local.set $s (i32.add (local.get $scaled) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dist) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $j)) (i32.const 3))))
                (local.set $acc (v128.load align=8 (local.get $dp)))
              ${[0, 1, 2, 3].map((q) => term2(planeOffsets[q], `$e${q}`)).join('\n              ')}
                (v128.store align=8 (local.get $dp) (local.get $acc))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))
                (br $pairs)))
            (if (i32.lt_s (local.get $j) (local.get $j1))
              (then
                (local.set $s (i32.add (local.get $scaled) (i32.shl (local.get $j) (i32.const 2))))
                (local.set $dp (i32.add (local.get $dist) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $j)) (i32.const 3))))
                (local.set $acc1 (f64.load (local.get $dp)))
            ${[0, 1, 2, 3].map((q) => term1(planeOffsets[q], `$e${q}`)).join('\n            ')}
                (f64.store (local.get $dp) (local.get $acc1))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $centres)))
        (local.set $j0 (local.get $j1))
        (br $blocks))))`;

// Undoing TIFF's floating-point predictor (Predictor = 3), as libtiff's fpAcc does, for `rows`
// rows of `words` 32-bit words (src: rows * 4 * words bytes, dst: rows * words words, both byte
// addresses; src is overwritten). Each row is stored as its words' most significant bytes, then
// the next bytes, ..., the least significant (4 byte planes of `words` bytes), differenced
// byte by byte with `stride` (the samples per pixel):
//   1. row[j] = row[j] + row[j - stride] (mod 256) for j = stride .. 4 words - 1, in that order;
//   2. word c (little-endian in dst) = bytes row[3 words + c], row[2 words + c], row[words + c], row[c].
// Stride 1: sixteen bytes at a time, a prefix sum within the vector (shifts by 1, 2, 4, 8 lanes)
// plus the carry of the previous sixteen; stride >= 16: sixteen bytes from those `stride` before;
// strides 2..15 byte by byte. Step 2 sixteen words at a time, then one by one.
const shiftUp = (k) => Array.from({ length: 16 }, (_v, i) => (i < k ? i : 16 + i - k)).join(' ');
const zip = (from) => Array.from({ length: 16 }, (_v, i) => (i % 2 === 0 ? from + i / 2 : 16 + from + (i - 1) / 2)).join(' ');
const pairs16 = (from) => Array.from({ length: 16 }, (_v, i) => { const q = Math.floor(i / 4), r = i % 4; return r < 2 ? from + 2 * q + r : 16 + from + 2 * q + r - 2; }).join(' ');

// The fit's distances (src/cluster/rowDistances.ts), the same arithmetic as the scalar loops of
// src/cluster/nearestCentre.ts and kmeansPlusPlus.ts:
//   rowDistances: for rows i < n (float32, dim a row) and references c < m (m a multiple of 4;
//                 refs float64, feature-major: refs[f m + c]):
//                 out[i m + c] = 0 + d_0 d_0 + d_1 d_1 + ... (feature order, float64), d_f = rows[i dim + f] - refs[f m + c]
//                 two references per f64x2, two pairs a step (two independent chains of additions).
const distanceKernel = `
  (func (export "rowDistances") (param $rows i32) (param $n i32) (param $dim i32) (param $refs i32) (param $m i32) (param $out i32)
    (local $i i32) (local $c i32) (local $f i32) (local $r i32) (local $e i32) (local $mBytes i32)
    (local $x v128) (local $d v128) (local $acc0 v128) (local $acc1 v128)
    (local.set $mBytes (i32.shl (local.get $m) (i32.const 3)))
    (block $rowsDone
      (loop $rowsNext
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $c (i32.const 0))
        (block $refsDone
          (loop $refsNext
            (br_if $refsDone (i32.ge_s (local.get $c) (local.get $m)))
            (local.set $acc0 (v128.const f64x2 0 0))
            (local.set $acc1 (v128.const f64x2 0 0))
            (local.set $r (i32.add (local.get $rows) (i32.shl (i32.mul (local.get $i) (local.get $dim)) (i32.const 2))))
            (local.set $e (i32.add (local.get $refs) (i32.shl (local.get $c) (i32.const 3))))
            (local.set $f (i32.const 0))
            (block $featuresDone
              (loop $featuresNext
                (br_if $featuresDone (i32.ge_s (local.get $f) (local.get $dim)))
                (local.set $x (f64x2.splat (f64.promote_f32 (f32.load (local.get $r)))))
                (local.set $d (f64x2.sub (local.get $x) (v128.load align=8 (local.get $e))))
                (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $d) (local.get $d))))
                (local.set $d (f64x2.sub (local.get $x) (v128.load offset=16 align=8 (local.get $e))))
                (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $d) (local.get $d))))
                (local.set $r (i32.add (local.get $r) (i32.const 4)))
                (local.set $e (i32.add (local.get $e) (local.get $mBytes)))
                (local.set $f (i32.add (local.get $f) (i32.const 1)))
                (br $featuresNext)))
            (local.set $e (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $c)) (i32.const 3))))
            (v128.store align=8 (local.get $e) (local.get $acc0))
            (v128.store offset=16 align=8 (local.get $e) (local.get $acc1))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $refsNext)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsNext))))`;

const predictorKernel = `
  (func (export "floatPredictorRows") (param $src i32) (param $dst i32) (param $rows i32) (param $words i32) (param $stride i32)
    (local $row i32) (local $n i32) (local $i i32) (local $c i32) (local $v v128) (local $carry v128)
    (local $a v128) (local $b v128) (local $cc v128) (local $d v128) (local $lo v128) (local $hi v128) (local $lo2 v128) (local $hi2 v128)
    (local.set $n (i32.shl (local.get $words) (i32.const 2)))
    (local.set $row (local.get $src))
    (block $rowsDone
      (loop $rowsNext
        (br_if $rowsDone (i32.le_s (local.get $rows) (i32.const 0)))
        (if (i32.eq (local.get $stride) (i32.const 1))
          (then
            (local.set $carry (v128.const i32x4 0 0 0 0))
            (local.set $i (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
                (local.set $v (v128.load align=1 (i32.add (local.get $row) (local.get $i))))
                ${[1, 2, 4, 8].map((k) => `(local.set $v (i8x16.add (local.get $v) (i8x16.shuffle ${shiftUp(k)} (v128.const i32x4 0 0 0 0) (local.get $v))))`).join('\n                ')}
                (local.set $v (i8x16.add (local.get $v) (local.get $carry)))
                (v128.store align=1 (i32.add (local.get $row) (local.get $i)) (local.get $v))
                (local.set $carry (i8x16.shuffle ${Array(16).fill(15).join(' ')} (local.get $v) (local.get $v)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $vec)))
            (if (i32.eqz (local.get $i)) (then (local.set $i (i32.const 1)))))
          (else
            (local.set $i (local.get $stride))
            (if (i32.ge_s (local.get $stride) (i32.const 16))
              (then
                (block $strideDone
                  (loop $strideVec
                    (br_if $strideDone (i32.gt_s (i32.add (local.get $i) (i32.const 16)) (local.get $n)))
                    (v128.store align=1 (i32.add (local.get $row) (local.get $i))
                      (i8x16.add (v128.load align=1 (i32.add (local.get $row) (local.get $i)))
                        (v128.load align=1 (i32.sub (i32.add (local.get $row) (local.get $i)) (local.get $stride)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 16)))
                    (br $strideVec)))))))
        (block $bytesDone
          (loop $bytes
            (br_if $bytesDone (i32.ge_s (local.get $i) (local.get $n)))
            (i32.store8 (i32.add (local.get $row) (local.get $i))
              (i32.add (i32.load8_u (i32.add (local.get $row) (local.get $i)))
                (i32.load8_u (i32.sub (i32.add (local.get $row) (local.get $i)) (local.get $stride)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $bytes)))
        (local.set $c (i32.const 0))
        (block $wordsDone
          (loop $wordsVec
            (br_if $wordsDone (i32.gt_s (i32.add (local.get $c) (i32.const 16)) (local.get $words)))
            (local.set $a (v128.load align=1 (i32.add (local.get $row) (local.get $c))))
            (local.set $b (v128.load align=1 (i32.add (i32.add (local.get $row) (local.get $words)) (local.get $c))))
            (local.set $cc (v128.load align=1 (i32.add (i32.add (local.get $row) (i32.shl (local.get $words) (i32.const 1))) (local.get $c))))
            (local.set $d (v128.load align=1 (i32.add (i32.add (local.get $row) (i32.mul (local.get $words) (i32.const 3))) (local.get $c))))
            (local.set $lo (i8x16.shuffle ${zip(0)} (local.get $d) (local.get $cc)))
            (local.set $hi (i8x16.shuffle ${zip(8)} (local.get $d) (local.get $cc)))
            (local.set $lo2 (i8x16.shuffle ${zip(0)} (local.get $b) (local.get $a)))
            (local.set $hi2 (i8x16.shuffle ${zip(8)} (local.get $b) (local.get $a)))
            (v128.store offset=0 align=1 (local.get $dst) (i8x16.shuffle ${pairs16(0)} (local.get $lo) (local.get $lo2)))
            (v128.store offset=16 align=1 (local.get $dst) (i8x16.shuffle ${pairs16(8)} (local.get $lo) (local.get $lo2)))
            (v128.store offset=32 align=1 (local.get $dst) (i8x16.shuffle ${pairs16(0)} (local.get $hi) (local.get $hi2)))
            (v128.store offset=48 align=1 (local.get $dst) (i8x16.shuffle ${pairs16(8)} (local.get $hi) (local.get $hi2)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $wordsVec)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_s (local.get $c) (local.get $words)))
            (i32.store8 offset=0 (local.get $dst) (i32.load8_u (i32.add (i32.add (local.get $row) (i32.mul (local.get $words) (i32.const 3))) (local.get $c))))
            (i32.store8 offset=1 (local.get $dst) (i32.load8_u (i32.add (i32.add (local.get $row) (i32.shl (local.get $words) (i32.const 1))) (local.get $c))))
            (i32.store8 offset=2 (local.get $dst) (i32.load8_u (i32.add (i32.add (local.get $row) (local.get $words)) (local.get $c))))
            (i32.store8 offset=3 (local.get $dst) (i32.load8_u (i32.add (local.get $row) (local.get $c))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tail)))
        (local.set $row (i32.add (local.get $row) (local.get $n)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowsNext))))`;

// Pixel-interleaved words to planes (src/io/floatPredictorRead.ts), a copy of 32-bit words:
//   deinterleave: dst[i * stride + p] = src[p * samples + sel[i]] for p < pixels, i < count
//   (sel: int32 sample indices), 32 pixels at a time so their words of every sample stay in
//   the first-level cache while each plane takes its 32 values.
const deinterleaveKernel = `
  (func (export "deinterleave") (param $src i32) (param $pixels i32) (param $samples i32) (param $sel i32) (param $count i32) (param $dst i32) (param $stride i32)
    (local $p0 i32) (local $pEnd i32) (local $i i32) (local $from i32) (local $to i32) (local $end i32) (local $step i32)
    (local.set $step (i32.shl (local.get $samples) (i32.const 2)))
    (block $blocksDone
      (loop $blocks
        (br_if $blocksDone (i32.ge_u (local.get $p0) (local.get $pixels)))
        (local.set $pEnd (select (i32.add (local.get $p0) (i32.const 32)) (local.get $pixels)
          (i32.lt_u (i32.add (local.get $p0) (i32.const 32)) (local.get $pixels))))
        (local.set $i (i32.const 0))
        (block $bandsDone
          (loop $bands
            (br_if $bandsDone (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $from (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $p0) (local.get $samples))
              (i32.load (i32.add (local.get $sel) (i32.shl (local.get $i) (i32.const 2))))) (i32.const 2))))
            (local.set $to (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $stride)) (local.get $p0)) (i32.const 2))))
            (local.set $end (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $stride)) (local.get $pEnd)) (i32.const 2))))
            (block $pixelsDone
              (loop $pixelsNext
                (br_if $pixelsDone (i32.ge_u (local.get $to) (local.get $end)))
                (i32.store (local.get $to) (i32.load (local.get $from)))
                (local.set $from (i32.add (local.get $from) (local.get $step)))
                (local.set $to (i32.add (local.get $to) (i32.const 4)))
                (br $pixelsNext)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $bands)))
        (local.set $p0 (local.get $pEnd))
        (br $blocks))))`;

/** The kernels' text. */
export function kernelsWat() {
  return `(module\n  (import "env" "memory" (memory 1))${kernel('unitEight', false)}${kernel('weightedEight', true)}${spanKernel}${maskKernel}${missingKernel}${assignKernels}${distanceKernel}${predictorKernel}${deinterleaveKernel}\n)\n`;
}

/** The .ts text: the assembled kernels as base64. */
export async function kernelsModuleText() {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat('kernels.wat', kernelsWat(), { simd: true });
  parsed.validate();
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const chunks = Buffer.from(buffer).toString('base64').match(/.{1,100}/g);
  return [
    '// Generated by scripts/wasm/buildKernels.mjs (which documents the kernels): do not edit.',
    '/** The WebAssembly SIMD module of the hot loops (the smoothing runs, the assignment, the floating-point predictor, the split of pixel-interleaved words), base64. */',
    'export const KERNELS_WASM =',
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
