import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { crc32c } from '../protocol/crc32c';
import { Reader } from '../protocol/reader';
import { Writer, writeInt64 } from '../protocol/writer';

/** Test helper: a bare-bones protocol client to send exact bytes (retries, garbage, old versions). */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiting: Array<(frame: Buffer) => void> = [];
  private correlation = 1;
  closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0);
        const frame = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** sends a request (header v1) and returns a reader positioned after the response correlation id */
  request(apiKey: number, version: number, body: (w: Writer) => void): Promise<Reader> {
    const w = new Writer().int32(0).int16(apiKey).int16(version).int32(this.correlation++).string('raw-client');
    body(w);
    const chunks = w.finish();
    const frame = Buffer.concat(chunks);
    frame.writeInt32BE(frame.length - 4, 0);
    return new Promise((resolve) => {
      this.waiting.push((f) => {
        const r = new Reader(f);
        r.int32();
        resolve(r);
      });
      this.socket.write(frame);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }
}

function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}
function varint(out: number[], v: number): void {
  let z = zigzag(v);
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}

export interface RawRecord {
  key?: string | null;
  value: string | null;
  timestamp?: number;
}

/** Encodes a record batch v2 the way a producer does (baseOffset 0). */
export function encodeBatch(
  records: RawRecord[],
  opts: { producerId?: number; producerEpoch?: number; baseSequence?: number; gzip?: boolean; baseTimestamp?: number } = {},
): Buffer {
  const baseTs = opts.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  const body: Buffer[] = [];
  let maxTs = baseTs;
  records.forEach((r, i) => {
    const ts = r.timestamp ?? baseTs;
    maxTs = Math.max(maxTs, ts);
    const inner: number[] = [0];
    varint(inner, ts - baseTs);
    varint(inner, i);
    const parts: Buffer[] = [];
    const key = r.key == null ? null : Buffer.from(r.key);
    const value = r.value == null ? null : Buffer.from(r.value);
    const head: number[] = [...inner];
    varint(head, key ? key.length : -1);
    parts.push(Buffer.from(head));
    if (key) parts.push(key);
    const mid: number[] = [];
    varint(mid, value ? value.length : -1);
    parts.push(Buffer.from(mid));
    if (value) parts.push(value);
    parts.push(Buffer.from([0])); // no headers
    const rec = Buffer.concat(parts);
    const len: number[] = [];
    varint(len, rec.length);
    body.push(Buffer.from(len), rec);
  });
  let recordsBytes = Buffer.concat(body);
  if (opts.gzip) recordsBytes = gzipSync(recordsBytes);
  const header = Buffer.alloc(61);
  writeInt64(header, 0, 0);
  header.writeInt32BE(61 - 12 + recordsBytes.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(opts.gzip ? 1 : 0, 21);
  header.writeInt32BE(records.length - 1, 23);
  writeInt64(header, 27, baseTs);
  writeInt64(header, 35, maxTs);
  writeInt64(header, 43, opts.producerId ?? -1);
  header.writeInt16BE(opts.producerEpoch ?? -1, 51);
  header.writeInt32BE(opts.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, recordsBytes]);
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/** Produce v7 of one batch to one partition; returns [errorCode, baseOffset]. */
export async function produceRaw(c: RawClient, topic: string, partition: number, batch: Buffer, acks = -1): Promise<[number, number]> {
  const r = await c.request(0, 7, (w) => {
    w.nullableString(null).int16(acks).int32(5000);
    w.int32(1).string(topic).int32(1).int32(partition).bytes(batch);
  });
  r.int32(); // topics
  r.string();
  r.int32();
  r.int32(); // partition
  const error = r.int16();
  const base = r.int64();
  return [error, base];
}
