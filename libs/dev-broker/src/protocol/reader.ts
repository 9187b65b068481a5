/** Thrown when a request body cannot be decoded; the connection that sent it is closed. */
export class DecodeError extends Error {}

const TWO_32 = 4294967296;

/**
 * Cursor over a request frame. Every read is bounds-checked so that a truncated or garbage
 * frame raises DecodeError instead of reading into unrelated memory or crashing the broker.
 */
export class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new DecodeError(`truncated frame: need ${n} bytes at ${p}, have ${this.end - p}`);
    this.pos = p + n;
    return p;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  int8(): number {
    return this.buf.readInt8(this.need(1));
  }
  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  int16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  /** int64 as a JS number (exact up to 2^53, which covers every offset and id this broker hands out). */
  int64(): number {
    const p = this.need(8);
    return this.buf.readInt32BE(p) * TWO_32 + this.buf.readUInt32BE(p + 4);
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) throw new DecodeError('null where a string is required');
    return s;
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len < 0) return null;
    const p = this.need(len);
    return this.buf.toString('utf8', p, p + len);
  }
  /** bytes as a zero-copy slice of the frame */
  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len < 0) return null;
    const p = this.need(len);
    return this.buf.subarray(p, p + len);
  }
  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  arrayLength(): number {
    const n = this.int32();
    // every element takes at least one byte: a larger count is garbage
    if (n > this.remaining()) throw new DecodeError(`array length ${n} exceeds frame`);
    return n;
  }
  array<T>(item: (r: Reader) => T): T[] {
    const n = this.arrayLength();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
  /** null array (length -1) is returned as null */
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const n = this.arrayLength();
    if (n < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }

  // ---- flexible-version primitives (compact strings, tagged fields) ----
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.buf[this.need(1)];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 28) throw new DecodeError('varint too long');
    }
  }
  compactNullableString(): string | null {
    const n = this.uvarint();
    if (n === 0) return null;
    const p = this.need(n - 1);
    return this.buf.toString('utf8', p, p + n - 1);
  }
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.need(size);
    }
  }
}
