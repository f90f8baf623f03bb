import { testRandom } from '../helpers/testRandom.js';

/**
 * Seeded mutations of a TIFF's header and directories (IFDs) for the fuzz
 * test: the bytes a broken writer, a bad copy or a hostile file gets wrong.
 * The same (file, seed) always gives the same mutant.
 */

/** Where the structure of a TIFF lives: the header, each directory entry, and the arrays they point at. */
export interface TiffLayout {
  little: boolean;
  big: boolean;
  /** Byte offsets of each IFD. */
  ifds: number[];
  /** Byte offset of every directory entry. */
  entries: number[];
  /** [start, end) of value arrays pointed at by entries (block lists, GeoTIFF keys, metadata XML...). */
  arrays: [number, number][];
}

const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

export function tiffLayout(buf: Buffer): TiffLayout {
  const little = buf.toString('latin1', 0, 2) === 'II';
  const u16 = (o: number) => (little ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => Number(little ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const big = u16(2) === 43;
  const layout: TiffLayout = { little, big, ifds: [], entries: [], arrays: [] };
  let ifd = big ? u64(8) : u32(4);
  while (ifd !== 0 && !layout.ifds.includes(ifd) && ifd < buf.length) {
    layout.ifds.push(ifd);
    const count = big ? u64(ifd) : u16(ifd);
    const first = ifd + (big ? 8 : 2);
    const size = big ? 20 : 12;
    for (let i = 0; i < count; i++) {
      const at = first + i * size;
      layout.entries.push(at);
      const type = u16(at + 2);
      const n = big ? u64(at + 4) : u32(at + 4);
      const bytes = n * (TYPE_SIZE[type] ?? 0);
      if (bytes > (big ? 8 : 4)) {
        const start = big ? u64(at + 12) : u32(at + 8);
        layout.arrays.push([start, Math.min(buf.length, start + bytes)]);
      }
    }
    const next = first + count * size;
    ifd = big ? u64(next) : u32(next);
  }
  return layout;
}

/** Values that break parsers: zero, one, the type's maximum, signed overflow, around the file size. */
function interesting(size: number, width: number): number[] {
  const max = width === 2 ? 0xffff : 0xffffffff;
  return [0, 1, 2, 7, 8, 16, 255, 256, 0x7fff, 0x8000, max, max - 1, 0x7fffffff & max, size - 1, size, size + 1, 2 * size].map((v) => (width === 2 ? v & 0xffff : v >>> 0));
}

/** One mutant of `original`: 1 to 3 mutations chosen by `seed`; `what` says which, for reporting. */
export function mutateTiff(original: Buffer, seed: number): { bytes: Buffer; what: string[] } {
  const rnd = testRandom(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const buf = Buffer.from(original);
  let cutAt = Infinity;
  const layout = tiffLayout(buf);
  const entrySize = layout.big ? 20 : 12;
  const write = (at: number, width: 1 | 2 | 4, v: number) => {
    if (at < 0 || at + width > buf.length) return;
    if (width === 1) buf[at] = v & 0xff;
    else if (width === 2 && layout.little) buf.writeUInt16LE(v & 0xffff, at);
    else if (width === 2) buf.writeUInt16BE(v & 0xffff, at);
    else if (layout.little) buf.writeUInt32LE(v >>> 0, at);
    else buf.writeUInt32BE(v >>> 0, at);
  };
  const what: string[] = [];
  // Mostly one mutation, so many mutants still open and reach the reads; some get two or three.
  const n = rnd() < 0.6 ? 1 : rnd() < 0.7 ? 2 : 3;
  for (let m = 0; m < n; m++) {
    const entry = pick(layout.entries);
    const op = Math.floor(rnd() * 10);
    switch (op) {
      case 0: { // flip one bit in the header
        const at = Math.floor(rnd() * (layout.big ? 16 : 8));
        buf[at] ^= 1 << Math.floor(rnd() * 8);
        what.push(`header bit @${at}`);
        break;
      }
      case 1: { // flip one bit anywhere in a directory entry
        const at = entry + Math.floor(rnd() * entrySize);
        buf[at] ^= 1 << Math.floor(rnd() * 8);
        what.push(`entry bit @${at}`);
        break;
      }
      case 2: { // the tag number: another (known or unknown) tag
        write(entry, 2, pick([256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 322, 323, 324, 325, 338, 339, 33550, 33922, 34735, 42112, 42113, 0, 0xffff]));
        what.push(`tag @${entry}`);
        break;
      }
      case 3: { // the field type: a wrong or unknown one
        write(entry + 2, 2, pick([0, 1, 2, 3, 4, 5, 11, 12, 13, 16, 17, 18, 19, 0xffff]));
        what.push(`type @${entry}`);
        break;
      }
      case 4: { // the value count: zero, huge, around the file size
        write(entry + 4, 4, pick(interesting(buf.length, 4)));
        what.push(`count @${entry}`);
        break;
      }
      case 5: { // the value or offset: a short or long value, or a pointer anywhere
        const width = pick([2, 4] as const);
        write(entry + (layout.big ? 12 : 8), width, pick(interesting(buf.length, width)));
        what.push(`value @${entry}`);
        break;
      }
      case 6: { // two entries swapped (no longer sorted) or one copied over another
        const other = pick(layout.entries);
        const a = Buffer.from(buf.subarray(entry, entry + entrySize));
        if (rnd() < 0.5) buf.copy(buf, entry, other, other + entrySize);
        else {
          buf.copy(buf, entry, other, other + entrySize);
          a.copy(buf, other);
        }
        what.push(`entries ${entry}<->${other}`);
        break;
      }
      case 7: { // a directory's entry count or next-directory pointer (loops, nowhere)
        const ifd = pick(layout.ifds);
        if (rnd() < 0.5) write(ifd, 2, pick(interesting(buf.length, 2)));
        else {
          const count = layout.little ? buf.readUInt16LE(ifd) : buf.readUInt16BE(ifd);
          if (!layout.big) write(ifd + 2 + count * 12, 4, pick([ifd, layout.ifds[0], buf.length, 0xffffffff, 8]));
        }
        what.push(`ifd @${ifd}`);
        break;
      }
      case 8: { // bytes inside an array the directory points at (block offsets, GeoTIFF keys, GDAL metadata XML, nodata)
        if (layout.arrays.length === 0) break;
        const [s, e] = pick(layout.arrays);
        if (e <= s) break;
        const at = s + Math.floor(rnd() * (e - s));
        buf[at] = pick([0, 0xff, 0x7f, 0x80, buf[at] ^ 0x10, 0x3c, 0x22]);
        what.push(`array byte @${at}`);
        break;
      }
      default: { // cut the file inside its structure (applied last, so offsets above stay valid)
        const end = Math.max(...layout.entries) + entrySize;
        cutAt = Math.min(cutAt, Math.max(2, Math.floor(rnd() * Math.min(end + 64, buf.length))));
        what.push(`cut @${cutAt}`);
      }
    }
  }
  return { bytes: cutAt < buf.length ? buf.subarray(0, cutAt) : buf, what };
}
