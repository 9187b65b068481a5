import { ErrorCode } from '../protocol/errors';
import { patchBaseOffset, readHeader, offsetForTimestamp } from './record-batch';
import type { Segment } from './segment';

/** Idempotent-producer bookkeeping per partition, as Kafka's ProducerStateManager keeps it. */
interface ProducerState {
  epoch: number;
  lastSeq: number;
  /** the last few appended batches, to recognise retries */
  recent: Array<{ firstSeq: number; lastSeq: number; baseOffset: number }>;
}
const RECENT_BATCHES = 5;
const INT32_MAX = 0x7fffffff;

export interface AppendResult {
  error: number;
  baseOffset: number;
}

/**
 * One partition: stored record batches kept as raw buffers (exactly the bytes received, with
 * baseOffset patched), indexed by offset in memory. Segments on disk mirror them.
 */
export class PartitionLog {
  logStartOffset: number;
  /** log end offset == high watermark (single replica) */
  nextOffset: number;
  private readonly bases: number[] = [];
  private readonly lasts: number[] = [];
  private readonly maxTs: number[] = [];
  /** stored batches; older ones are dropped from memory (undefined) once they are on disk and over budget */
  private readonly batches: Array<Buffer | undefined> = [];
  private readonly sizes: number[] = [];
  private readonly segOf: Array<Segment | null> = [];
  private readonly posOf: number[] = [];
  private cachedFrom = 0;
  private cachedBytes = 0;
  readonly waiters = new Set<() => void>();
  private readonly producers = new Map<number, ProducerState>();
  /** segment files, oldest first; the last one is appended to */
  readonly segments: Segment[] = [];
  /** callbacks registered by the store to hear about appends (flush/wakeup scheduling) */
  onAppend: ((p: PartitionLog) => void) | null = null;

  constructor(
    readonly topic: string,
    readonly index: number,
    startOffset: number,
    /** bytes of batches kept in memory when they are also on disk */
    private readonly cacheBytes = Infinity,
  ) {
    this.logStartOffset = startOffset;
    this.nextOffset = startOffset;
  }

  get batchCount(): number {
    return this.batches.length;
  }

  get segment(): Segment | null {
    return this.segments.length > 0 ? this.segments[this.segments.length - 1] : null;
  }

  /** Adds an already-offset batch read from `seg` at `pos` (recovery from disk). */
  load(batch: Buffer, baseOffset: number, seg: Segment, pos: number): void {
    const h = readHeader(batch);
    if (this.batches.length === 0) this.logStartOffset = Math.min(this.logStartOffset, baseOffset);
    this.index_(batch, baseOffset, baseOffset + h.lastOffsetDelta, h.maxTimestamp, seg, pos);
    this.nextOffset = baseOffset + h.lastOffsetDelta + 1;
    if (h.producerId >= 0 && h.baseSequence >= 0) this.trackProducer(h.producerId, h.producerEpoch, h.baseSequence, h.lastOffsetDelta, baseOffset);
  }

  /** After recovery: keep only the newest batches in memory, as copies (the file buffer can be freed). */
  detachLoaded(): void {
    this.evict();
    for (let i = this.cachedFrom; i < this.batches.length; i++) this.batches[i] = Buffer.from(this.batches[i]!);
  }

  private index_(batch: Buffer, base: number, last: number, maxTs: number, seg: Segment | null, pos: number): void {
    this.bases.push(base);
    this.lasts.push(last);
    this.maxTs.push(maxTs);
    this.batches.push(batch);
    this.sizes.push(batch.length);
    this.segOf.push(seg);
    this.posOf.push(pos);
    this.cachedBytes += batch.length;
    if (this.cachedBytes > this.cacheBytes) this.evict();
  }

  private evict(): void {
    const n = this.batches.length;
    while (this.cachedBytes > this.cacheBytes && this.cachedFrom < n - 1 && this.segOf[this.cachedFrom]) {
      this.cachedBytes -= this.sizes[this.cachedFrom];
      this.batches[this.cachedFrom] = undefined;
      this.cachedFrom++;
    }
  }

  private batchAt(i: number): Buffer {
    const b = this.batches[i];
    if (b) return b;
    return this.segOf[i]!.readAt(this.posOf[i], this.sizes[i]);
  }

  private trackProducer(pid: number, epoch: number, firstSeq: number, delta: number, baseOffset: number): void {
    const lastSeq = (firstSeq + delta) % (INT32_MAX + 1);
    let st = this.producers.get(pid);
    if (!st || st.epoch !== epoch) {
      st = { epoch, lastSeq, recent: [] };
      this.producers.set(pid, st);
    }
    st.lastSeq = lastSeq;
    st.recent.push({ firstSeq, lastSeq, baseOffset });
    if (st.recent.length > RECENT_BATCHES) st.recent.shift();
  }

  /** Validated batch from a Produce request: sequence checks, offset assignment, storage. */
  append(batch: Buffer): AppendResult {
    const pid = batch.readInt32BE(43) * 4294967296 + batch.readUInt32BE(47);
    const baseSeq = batch.readInt32BE(53);
    const delta = batch.readInt32BE(23);
    if (pid >= 0 && baseSeq >= 0) {
      const epoch = batch.readInt16BE(51);
      const st = this.producers.get(pid);
      const lastSeq = (baseSeq + delta) % (INT32_MAX + 1);
      if (!st) {
        // no state for this producer here (new partition, re-created topic): like Kafka, any sequence starts it
      } else if (epoch > st.epoch) {
        if (baseSeq !== 0) return { error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      } else if (epoch < st.epoch) {
        return { error: ErrorCode.INVALID_PRODUCER_EPOCH, baseOffset: -1 };
      } else {
        for (const r of st.recent) {
          // a retry of a batch that is already in the log: acknowledge with its original offset
          if (r.firstSeq === baseSeq && r.lastSeq === lastSeq) return { error: ErrorCode.NONE, baseOffset: r.baseOffset };
        }
        if (baseSeq !== (st.lastSeq + 1) % (INT32_MAX + 1)) return { error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, baseOffset: -1 };
      }
    }
    // keep memory proportional to data: don't pin a large socket chunk for a small batch
    if (batch.buffer.byteLength > batch.length * 4 + 16384) batch = Buffer.from(batch);
    const base = this.nextOffset;
    patchBaseOffset(batch, base);
    const seg = this.segment;
    const pos = seg ? seg.write(batch) : -1;
    this.index_(batch, base, base + delta, batch.readInt32BE(35) * 4294967296 + batch.readUInt32BE(39), seg, pos);
    this.nextOffset = base + delta + 1;
    if (pid >= 0 && baseSeq >= 0) this.trackProducer(pid, batch.readInt16BE(51), baseSeq, delta, base);
    this.onAppend?.(this);
    return { error: ErrorCode.NONE, baseOffset: base };
  }

  /** index of the first batch whose last offset >= offset (batches.length if none) */
  private search(offset: number): number {
    const lasts = this.lasts;
    let lo = 0;
    let hi = lasts.length;
    // fast path: consumers tailing the log ask for the newest batches
    if (hi > 0 && lasts[hi - 1] < offset) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (lasts[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Appends to `out` the stored batches starting with the one holding `offset`, up to `maxBytes`
   * but always at least one whole batch when `atLeastOne`. Returns the bytes added.
   */
  read(offset: number, maxBytes: number, atLeastOne: boolean, out: Buffer[]): number {
    let i = this.search(offset);
    let total = 0;
    const n = this.batches.length;
    while (i < n) {
      const size = this.sizes[i];
      if (total + size > maxBytes && !(atLeastOne && total === 0)) break;
      out.push(this.batchAt(i));
      total += size;
      i++;
    }
    return total;
  }

  /** ListOffsets by timestamp: first offset whose record timestamp >= ts, or -1 */
  offsetForTimestamp(ts: number): { offset: number; timestamp: number } {
    for (let i = 0; i < this.batches.length; i++) {
      if (this.maxTs[i] >= ts) {
        const o = offsetForTimestamp(this.batchAt(i), ts);
        if (o !== null) return { offset: Math.max(o, this.logStartOffset), timestamp: this.maxTs[i] };
      }
    }
    return { offset: -1, timestamp: -1 };
  }

  advanceLogStart(offset: number): void {
    this.logStartOffset = Math.min(Math.max(this.logStartOffset, offset), this.nextOffset);
  }

  closeSegments(): void {
    for (const seg of this.segments) seg.close();
    this.segments.length = 0;
  }

  wake(): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters]) w();
  }
}
