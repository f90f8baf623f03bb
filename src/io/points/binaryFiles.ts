import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Fixed-size binary records appended to, and read back in order from, scratch
 * files in TMPDIR: the points' coordinates and cells between passes, and the
 * rows spilled into grid-row bands. Buffered, so a record costs no system call.
 */
export class RecordWriter {
  private readonly fd: number;
  private readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  private used = 0;
  bytesWritten = 0;
  constructor(readonly path: string, readonly recordBytes: number, bufferBytes = 1 << 18) {
    this.fd = openSync(path, 'w');
    const records = Math.max(1, Math.floor(bufferBytes / recordBytes));
    this.buffer = new ArrayBuffer(records * recordBytes);
    this.f64 = new Float64Array(this.buffer, 0, Math.floor(this.buffer.byteLength / 8));
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Byte offset of the next record in the buffer (flushing first when full); write it through the typed views, then `commit`. */
  next(): number {
    if (this.used + this.recordBytes > this.buffer.byteLength) this.flush();
    return this.used;
  }

  commit(): void {
    this.used += this.recordBytes;
  }

  flush(): void {
    if (this.used > 0) writeSync(this.fd, new Uint8Array(this.buffer, 0, this.used));
    this.bytesWritten += this.used;
    this.used = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads records in order, a buffer at a time. */
export class RecordReader {
  private readonly fd: number;
  private readonly buffer: ArrayBuffer;
  readonly f64: Float64Array;
  readonly f32: Float32Array;
  readonly i32: Int32Array;
  private filled = 0;
  private at = 0;
  private position = 0;
  constructor(readonly path: string, readonly recordBytes: number, bufferBytes = 1 << 20) {
    this.fd = openSync(path, 'r');
    const records = Math.max(1, Math.floor(bufferBytes / recordBytes));
    this.buffer = new ArrayBuffer(records * recordBytes);
    this.f64 = new Float64Array(this.buffer, 0, Math.floor(this.buffer.byteLength / 8));
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Byte offset of the next record in the buffer, or -1 at the end of the file. */
  next(): number {
    if (this.at + this.recordBytes > this.filled) {
      const n = readSync(this.fd, new Uint8Array(this.buffer), 0, this.buffer.byteLength, this.position);
      this.position += n;
      this.filled = n - (n % this.recordBytes);
      this.position -= n % this.recordBytes;
      this.at = 0;
      if (this.filled === 0) return -1;
    }
    const offset = this.at;
    this.at += this.recordBytes;
    return offset;
  }

  close(): void {
    closeSync(this.fd);
  }
}
