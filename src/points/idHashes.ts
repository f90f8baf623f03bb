/**
 * Duplicate point ids found under bounded memory per point: each id's bytes are
 * hashed to a 53-bit integer (exact in a float64), the hashes sorted once at the
 * end. A shared hash is only a suspect: the caller reads the file again to name
 * the two lines, and ignores a collision of different ids.
 */
import { murmurFinalise, murmurRound } from '../hash/murmur3.js';

const QUOTE = 0x22, SPACE = 0x20;

/** A 53-bit hash of the bytes b[s, e) (quotes and surrounding spaces ignored). */
export function idHash(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === QUOTE || b[s] === SPACE)) s++;
  while (e > s && (b[e - 1] === QUOTE || b[e - 1] === SPACE || b[e - 1] === 0x0d)) e--;
  let h1 = 0x9747b28c, h2 = 0x5bd1e995;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    const w = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    h1 = murmurRound(h1, w);
    h2 = murmurRound(h2, w ^ 0x2545f491);
  }
  let w = 0;
  for (let k = 0; i < e; i++, k++) w |= b[i] << (8 * k);
  h1 = murmurFinalise(murmurRound(h1, w), e - s);
  h2 = murmurFinalise(murmurRound(h2, w ^ 0x2545f491), e - s);
  return (h1 >>> 11) * 4294967296 + h2;
}

export class IdHashes {
  private hashes = new Float64Array(1 << 16);
  private n = 0;

  add(hash: number): void {
    if (this.n === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.n++] = hash;
  }

  /** Hashes seen more than once (at most `limit`), to be checked against the ids' text. */
  suspects(limit = 16): Set<number> {
    const sorted = this.hashes.subarray(0, this.n).sort();
    const out = new Set<number>();
    for (let i = 1; i < sorted.length && out.size < limit; i++) if (sorted[i] === sorted[i - 1]) out.add(sorted[i]);
    return out;
  }
}
