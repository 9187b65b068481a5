import { gunzipSync } from 'node:zlib';
import { crc32c } from '../protocol/crc32c';
import { readInt64, writeInt64 } from '../protocol/writer';
import { ErrorCode } from '../protocol/errors';

/*
 * Record batch v2 (magic 2) header layout:
 *   baseOffset int64 @0 | batchLength int32 @8 | partitionLeaderEpoch int32 @12 | magic int8 @16
 *   crc uint32 @17 (CRC-32C of bytes 21..end) | attributes int16 @21 | lastOffsetDelta int32 @23
 *   baseTimestamp int64 @27 | maxTimestamp int64 @35 | producerId int64 @43 | producerEpoch int16 @51
 *   baseSequence int32 @53 | recordCount int32 @57 | records @61
 */
export const BATCH_HEADER_SIZE = 61;
export const LOG_OVERHEAD = 12; // baseOffset + batchLength

export interface BatchHeader {
  lastOffsetDelta: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  count: number;
  attributes: number;
}

export function readHeader(b: Buffer): BatchHeader {
  return {
    attributes: b.readInt16BE(21),
    lastOffsetDelta: b.readInt32BE(23),
    maxTimestamp: readInt64(b, 35),
    producerId: readInt64(b, 43),
    producerEpoch: b.readInt16BE(51),
    baseSequence: b.readInt32BE(53),
    count: b.readInt32BE(57),
  };
}

export const batchBaseOffset = (b: Buffer): number => readInt64(b, 0);

/** Overwrites baseOffset (and partitionLeaderEpoch) in place; neither is covered by the CRC. */
export function patchBaseOffset(b: Buffer, baseOffset: number): void {
  writeInt64(b, 0, baseOffset);
  b.writeInt32BE(0, 12);
}

/**
 * Checks one batch at `pos`: returns its total size, or a negative Kafka error code.
 * Returns 0 when the remaining bytes are too short to hold the batch (a torn tail).
 */
export function checkBatch(buf: Buffer, pos: number, end: number): number {
  if (end - pos < BATCH_HEADER_SIZE) return 0;
  const batchLength = buf.readInt32BE(pos + 8);
  const size = batchLength + LOG_OVERHEAD;
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return -ErrorCode.CORRUPT_MESSAGE;
  if (size > end - pos) return 0;
  if (buf[pos + 16] !== 2) return -ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT;
  if (buf.readUInt32BE(pos + 17) !== crc32c(buf, pos + 21, pos + size)) return -ErrorCode.CORRUPT_MESSAGE;
  const count = buf.readInt32BE(pos + 57);
  const lastOffsetDelta = buf.readInt32BE(pos + 23);
  if (count < 1 || lastOffsetDelta !== count - 1) return -ErrorCode.INVALID_RECORD;
  return size;
}

/** Splits a Produce request's records field into validated batches (zero-copy slices). */
export function splitProduced(records: Buffer): Buffer[] | number {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < records.length) {
    const size = checkBatch(records, pos, records.length);
    if (size === 0) return ErrorCode.CORRUPT_MESSAGE;
    if (size < 0) return -size;
    out.push(records.subarray(pos, pos + size));
    pos += size;
  }
  if (out.length === 0) return ErrorCode.INVALID_RECORD;
  return out;
}

function varint(b: Buffer, st: { p: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (st.p >= b.length) throw new RangeError('varint past end');
    const byte = b[st.p++];
    result += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
    if (shift > 63) throw new RangeError('varint too long');
  }
  // zigzag decode
  return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
}

/**
 * Offset of the first record in `batch` whose timestamp >= ts, or null. Only uncompressed and
 * gzip batches are decoded; for other codecs the batch's base offset is returned.
 */
export function offsetForTimestamp(batch: Buffer, ts: number): number | null {
  const base = readInt64(batch, 0);
  const codec = batch.readInt16BE(21) & 7;
  const baseTs = readInt64(batch, 27);
  let body: Buffer;
  if (codec === 0) body = batch.subarray(BATCH_HEADER_SIZE);
  else if (codec === 1) body = gunzipSync(batch.subarray(BATCH_HEADER_SIZE));
  else return base;
  const count = batch.readInt32BE(57);
  const st = { p: 0 };
  try {
    for (let i = 0; i < count; i++) {
      const len = varint(body, st);
      const start = st.p;
      st.p += 1; // attributes
      const tsDelta = varint(body, st);
      const offDelta = varint(body, st);
      if (baseTs + tsDelta >= ts) return base + offDelta;
      st.p = start + len;
    }
  } catch {
    return base;
  }
  return null;
}
