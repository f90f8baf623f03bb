import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../../errors.js';

/**
 * The members of a .zip (EGMS delivers one CSV and an XML per zip), read from its
 * central directory; a member is streamed through node's inflate, so a burst is
 * never held in memory. Zip64 sizes and offsets are understood.
 */
export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50, EOCD64_LOCATOR = 0x07064b50, EOCD64 = 0x06064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.subarray(0, n);
}

/** The members of `path`; a UserError when it is not a readable zip. */
export function zipMembers(path: string): ZipMember[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 65557);
    const tail = readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { eocd = i; break; }
    if (eocd < 0) throw new UserError(`'${path}' is not a zip archive (no end-of-central-directory record); it may be truncated. Download it again.`);
    let entries = tail.readUInt16LE(eocd + 10);
    let dirSize = tail.readUInt32LE(eocd + 12);
    let dirOffset = tail.readUInt32LE(eocd + 16);
    if (eocd >= 20 && tail.readUInt32LE(eocd - 20) === EOCD64_LOCATOR) {
      const at = Number(tail.readBigUInt64LE(eocd - 20 + 8));
      const rec = readAt(fd, at, 56);
      if (rec.readUInt32LE(0) === EOCD64) {
        entries = Number(rec.readBigUInt64LE(32));
        dirSize = Number(rec.readBigUInt64LE(40));
        dirOffset = Number(rec.readBigUInt64LE(48));
      }
    }
    const dir = readAt(fd, dirOffset, dirSize);
    const members: ZipMember[] = [];
    let p = 0;
    for (let k = 0; k < entries && p + 46 <= dir.length; k++) {
      if (dir.readUInt32LE(p) !== CENTRAL) throw new UserError(`'${path}': its zip central directory is damaged. Download it again.`);
      const method = dir.readUInt16LE(p + 10);
      let compressedSize = dir.readUInt32LE(p + 20);
      let size = dir.readUInt32LE(p + 24);
      const nameLength = dir.readUInt16LE(p + 28), extraLength = dir.readUInt16LE(p + 30), commentLength = dir.readUInt16LE(p + 32);
      let localHeaderOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLength);
      // Zip64: the sizes and offset that overflowed 32 bits are in the extra field, in this order.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e), len = dir.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (size === 0xffffffff) { size = Number(dir.readBigUInt64LE(q)); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = Number(dir.readBigUInt64LE(q)); q += 8; }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(dir.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      members.push({ name, method, compressedSize, size, localHeaderOffset });
      p = extraEnd + commentLength;
    }
    return members;
  } finally {
    closeSync(fd);
  }
}

/** A stream of one member's bytes (stored or deflated). */
export function zipMemberStream(path: string, member: ZipMember, highWaterMark: number): Readable {
  const fd = openSync(path, 'r');
  let start: number;
  try {
    const local = readAt(fd, member.localHeaderOffset, 30);
    if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new UserError(`'${path}': the zip entry '${member.name}' is damaged. Download it again.`);
    start = member.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    closeSync(fd);
  }
  if (member.method !== 0 && member.method !== 8) {
    throw new UserError(`'${path}': '${member.name}' is compressed with zip method ${member.method}; only stored and deflated members are read. Unzip it and give the CSV.`);
  }
  if (member.compressedSize === 0) {
    const empty = createReadStream(path, { start: 0, end: -1 });
    return empty;
  }
  const raw = createReadStream(path, { start, end: start + member.compressedSize - 1, highWaterMark });
  if (member.method === 0) return raw;
  const inflate = createInflateRaw({ chunkSize: highWaterMark });
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}
