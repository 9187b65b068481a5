const TWO_32 = 4294967296;

/**
 * Growable encoder for response frames. Large byte fields (stored record batches) are not
 * copied: `raw()` closes the current scratch chunk and appends the caller's buffer as its own
 * chunk, so a Fetch response is written to the socket as a list of slices (writev).
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  private chunks: Buffer[] = [];
  private flushedLength = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number {
    return this.flushedLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n, 256));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: number): this {
    this.ensure(8);
    writeInt64(this.buf, this.pos, v);
    this.pos += 8;
    return this;
  }
  string(s: string): this {
    const len = Buffer.byteLength(s);
    this.ensure(2 + len);
    this.buf.writeInt16BE(len, this.pos);
    this.buf.write(s, this.pos + 2, len, 'utf8');
    this.pos += 2 + len;
    return this;
  }
  nullableString(s: string | null | undefined): this {
    if (s === null || s === undefined) return this.int16(-1);
    return this.string(s);
  }
  bytes(b: Buffer | null | undefined): this {
    if (b === null || b === undefined) return this.int32(-1);
    this.int32(b.length);
    return this.raw(b);
  }
  /** append bytes; big buffers are referenced, not copied */
  raw(b: Buffer): this {
    if (b.length < 512) {
      this.ensure(b.length);
      b.copy(this.buf, this.pos);
      this.pos += b.length;
      return this;
    }
    this.cut();
    this.chunks.push(b);
    this.flushedLength += b.length;
    return this;
  }
  /** references several buffers (as if concatenated) */
  rawList(list: Buffer[]): this {
    for (const b of list) this.raw(b);
    return this;
  }
  array<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  int32Array(items: readonly number[]): this {
    this.int32(items.length);
    for (const v of items) this.int32(v);
    return this;
  }
  uvarint(v: number): this {
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  private cut(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushedLength += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    if (this.buf.length < 64) this.buf = Buffer.allocUnsafe(256);
  }

  /** all bytes written so far, as a list of chunks */
  finish(): Buffer[] {
    this.cut();
    return this.chunks;
  }
}

export function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(v - hi * TWO_32, pos + 4);
}

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}
