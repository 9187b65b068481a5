import * as fs from 'node:fs';

const IOV_MAX = 1024;

/** An append-only log file. Writes are queued and issued together (writev) by flush(). */
export class Segment {
  private pending: Buffer[] = [];
  size: number;

  constructor(
    readonly path: string,
    readonly baseOffset: number,
    private fd: number,
    size: number,
    private readonly dirty: Set<Segment>,
  ) {
    this.size = size;
  }

  static open(path: string, baseOffset: number, dirty: Set<Segment>): Segment {
    const fd = fs.openSync(path, 'a+'); // appends; positional reads serve batches evicted from memory
    return new Segment(path, baseOffset, fd, fs.fstatSync(fd).size, dirty);
  }

  /** queues a batch; returns its position in the file */
  write(b: Buffer): number {
    if (this.pending.length === 0) this.dirty.add(this);
    this.pending.push(b);
    const pos = this.size;
    this.size += b.length;
    return pos;
  }

  readAt(pos: number, length: number): Buffer {
    this.flush();
    const buf = Buffer.allocUnsafe(length);
    let off = 0;
    while (off < length) {
      const n = fs.readSync(this.fd, buf, off, length - off, pos + off);
      if (n === 0) throw new Error(`${this.path}: unexpected end of file at ${pos + off}`);
      off += n;
    }
    return buf;
  }

  /** Hands queued batches to the OS: once this returns, a process crash cannot lose them. */
  flush(): void {
    const list = this.pending;
    if (list.length === 0 || this.fd < 0) return;
    this.pending = [];
    for (let i = 0; i < list.length; i += IOV_MAX) {
      const part = i === 0 && list.length <= IOV_MAX ? list : list.slice(i, i + IOV_MAX);
      let expected = 0;
      for (const b of part) expected += b.length;
      const written = fs.writevSync(this.fd, part);
      if (written !== expected) {
        // short write (rare): write the rest sequentially
        let skip = written;
        for (const b of part) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          const rest = b.subarray(skip);
          skip = 0;
          let off = 0;
          while (off < rest.length) off += fs.writeSync(this.fd, rest, off);
        }
      }
    }
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
