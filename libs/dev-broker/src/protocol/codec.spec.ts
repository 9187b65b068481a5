import { crc32c } from './crc32c';
import { DecodeError, Reader } from './reader';
import { Writer, readInt64 } from './writer';
import { SUPPORTED_VERSIONS, isSupported } from './api';
import { checkBatch, offsetForTimestamp, patchBaseOffset, splitProduced } from '../log/record-batch';
import { encodeBatch } from '../test/raw-client';
import { PartitionLog } from '../log/partition-log';

const bytes = (w: Writer): Buffer => Buffer.concat(w.finish());

describe('codec', () => {
  it('crc32c matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    const big = Buffer.alloc(1000, 7);
    expect(crc32c(big, 3, 997)).toBe(crc32c(Buffer.from(big.subarray(3, 997))));
  });

  it('round-trips primitives, strings, bytes and arrays', () => {
    const payload = Buffer.alloc(2000, 9);
    const w = new Writer(8)
      .int8(-3)
      .int16(-2)
      .int32(123456789)
      .int64(2 ** 40 + 5)
      .int64(-1)
      .string('héllo')
      .nullableString(null)
      .bytes(payload)
      .bytes(null)
      .array([1, 2, 3], (w, v) => w.int32(v))
      .bool(true);
    const r = new Reader(bytes(w));
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.int64()]).toEqual([-3, -2, 123456789, 2 ** 40 + 5, -1]);
    expect(r.string()).toBe('héllo');
    expect(r.nullableString()).toBeNull();
    expect(r.nullableBytes()!.equals(payload)).toBe(true);
    expect(r.nullableBytes()).toBeNull();
    expect(r.array((r) => r.int32())).toEqual([1, 2, 3]);
    expect(r.bool()).toBe(true);
    expect(r.remaining()).toBe(0);
  });

  it('references large buffers instead of copying them', () => {
    const big = Buffer.alloc(4096, 1);
    const chunks = new Writer().int32(1).raw(big).int32(2).finish();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
  });

  it('reads compact strings and tagged fields (flexible versions)', () => {
    const w = new Writer().uvarint(4).raw(Buffer.from('abc')).uvarint(1).uvarint(0).uvarint(2).raw(Buffer.from([1, 2])).uvarint(300);
    const r = new Reader(bytes(w));
    expect(r.compactNullableString()).toBe('abc');
    r.taggedFields();
    expect(r.uvarint()).toBe(300);
  });

  it('rejects truncated input and absurd array lengths with DecodeError', () => {
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((r) => r.int32())).toThrow(DecodeError);
    expect(() => new Reader(Buffer.from([0])).int32()).toThrow(DecodeError);
  });

  it('advertises only versions it implements', () => {
    expect(isSupported(0, 7)).toBe(true);
    expect(isSupported(0, 9)).toBe(false);
    expect(isSupported(1, 12)).toBe(false);
    expect(isSupported(18, 3)).toBe(true);
    expect(isSupported(32, 2)).toBe(true);
    expect(isSupported(33, 0)).toBe(false); // AlterConfigs is not implemented
    expect(new Set(SUPPORTED_VERSIONS.map(([k]) => k)).size).toBe(SUPPORTED_VERSIONS.length);
  });
});

describe('record batches', () => {
  it('validates CRC, size and magic; splits concatenated batches', () => {
    const a = encodeBatch([{ value: 'x' }, { value: 'y' }]);
    const b = encodeBatch([{ key: 'k', value: null }], { gzip: true });
    const both = Buffer.concat([a, b]);
    const split = splitProduced(both);
    expect(Array.isArray(split) && split.map((s) => s.length)).toEqual([a.length, b.length]);
    expect(checkBatch(a, 0, a.length)).toBe(a.length);
    expect(checkBatch(a, 0, a.length - 1)).toBe(0); // torn
    const corrupt = Buffer.from(a);
    corrupt[corrupt.length - 1] ^= 0xff;
    expect(splitProduced(corrupt)).toBe(2); // CORRUPT_MESSAGE
    const magic1 = Buffer.from(a);
    magic1[16] = 1;
    expect(splitProduced(magic1)).toBe(43);
  });

  it('patches the base offset without touching the CRC-covered bytes', () => {
    const a = encodeBatch([{ value: 'x' }]);
    patchBaseOffset(a, 4242);
    expect(readInt64(a, 0)).toBe(4242);
    expect(checkBatch(a, 0, a.length)).toBe(a.length);
  });

  it('finds offsets by timestamp inside plain and gzip batches', () => {
    for (const gzip of [false, true]) {
      const batch = encodeBatch(
        [0, 1, 2].map((i) => ({ value: `v${i}`, timestamp: 1000 + i * 10 })),
        { gzip },
      );
      patchBaseOffset(batch, 50);
      expect(offsetForTimestamp(batch, 1011)).toBe(52);
      expect(offsetForTimestamp(batch, 0)).toBe(50);
      expect(offsetForTimestamp(batch, 5000)).toBeNull();
    }
  });

  it('partition log: dedupes retried idempotent batches and rejects sequence gaps', () => {
    const log = new PartitionLog('t', 0, 0);
    const first = encodeBatch([{ value: 'a' }, { value: 'b' }], { producerId: 7, producerEpoch: 0, baseSequence: 0 });
    expect(log.append(Buffer.from(first))).toEqual({ error: 0, baseOffset: 0 });
    expect(log.append(Buffer.from(first))).toEqual({ error: 0, baseOffset: 0 });
    expect(log.nextOffset).toBe(2);
    expect(log.append(encodeBatch([{ value: 'c' }], { producerId: 7, producerEpoch: 0, baseSequence: 5 })).error).toBe(45);
    expect(log.append(encodeBatch([{ value: 'c' }], { producerId: 7, producerEpoch: 0, baseSequence: 2 }))).toEqual({ error: 0, baseOffset: 2 });
    // a producer without state on this partition may start at any sequence (as in Kafka); then it must be contiguous
    expect(log.append(encodeBatch([{ value: 'd' }], { producerId: 8, producerEpoch: 0, baseSequence: 3 }))).toEqual({ error: 0, baseOffset: 3 });
    expect(log.append(encodeBatch([{ value: 'e' }], { producerId: 8, producerEpoch: 0, baseSequence: 5 })).error).toBe(45);
    expect(log.append(encodeBatch([{ value: 'e' }], { producerId: 8, producerEpoch: 1, baseSequence: 1 })).error).toBe(45); // new epoch starts at 0
    expect(log.append(encodeBatch([{ value: 'e' }], { producerId: 8, producerEpoch: 1, baseSequence: 0 }))).toEqual({ error: 0, baseOffset: 4 });
    expect(log.append(encodeBatch([{ value: 'f' }], { producerId: 8, producerEpoch: 0, baseSequence: 5 })).error).toBe(47); // fenced
    const out: Buffer[] = [];
    expect(log.read(1, 1, true, out)).toBeGreaterThan(0); // at least one whole batch
    expect(out).toHaveLength(1);
    out.length = 0;
    log.read(0, 1 << 20, true, out);
    expect(out).toHaveLength(4);
  });
});
