import { DecodeResult, Envelope } from '@coupons/contracts';
import { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isRetryableError } from '../outcome';
import { FoldResult, Projector } from '../projector';
import { decodeWithUpcasters } from '../upcasters';

/** One partition's range: `low` the first offset still on the log, `high` the high-water mark (next offset). */
export interface PartitionMark {
  topic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

export const tpKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** The current low and high-water marks of every partition of `topics` (admin fetchTopicOffsets). */
export async function fetchMarks(kafka: Kafka, topics: readonly string[]): Promise<PartitionMark[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const out: PartitionMark[] = [];
    for (const topic of topics) {
      if (!existing.has(topic)) continue;
      for (const p of await admin.fetchTopicOffsets(topic)) {
        out.push({ topic, partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) });
      }
    }
    return out.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/** Events between `from` (per partition; default each partition's low mark) and the marks. */
export function countBetween(marks: readonly PartitionMark[], from?: ReadonlyMap<string, bigint>): number {
  let n = 0n;
  for (const m of marks) {
    const start = from?.get(tpKey(m.topic, m.partition)) ?? m.low;
    if (m.high > start) n += m.high - (start > m.low ? start : m.low);
  }
  return Number(n);
}

export interface ReplayProgress {
  /** Messages read so far (applied, duplicates, ignored and skipped alike). */
  done: number;
  total: number;
}

export interface ReplayStats {
  /** Messages read. */
  messages: number;
  /** Events folded (applyOnce said applied). */
  applied: number;
  /** Already applied (the same event twice on a topic: at-least-once publishing). */
  duplicates: number;
  /** Types this projection keeps no fold for. */
  ignored: number;
  /** Invalid messages, or events whose fold fails for good: the live consumer dead-letters these, replay skips them. */
  skipped: Array<{ topic: string; partition: number; offset: string; reason: string }>;
}

export const emptyStats = (): ReplayStats => ({ messages: 0, applied: 0, duplicates: 0, ignored: 0, skipped: [] });

export interface ReplayRangeOptions {
  kafka: Kafka;
  projector: Projector;
  /** Where the folds write (the scratch or rebuilt schema). Never the outbox: replay publishes nothing. */
  dataSource: DataSource;
  /** Read every partition up to (excluding) its `high`. */
  marks: readonly PartitionMark[];
  /** Start of each partition (default its low mark): a later round of --verify resumes where the previous stopped. */
  from?: ReadonlyMap<string, bigint>;
  /** Events folded per transaction (default 2000). */
  batchSize?: number;
  /** Fetch size per partition (default 4 MiB); a topic larger than this is read over several fetches. */
  maxBytesPerPartition?: number;
  /**
   * Partitions folded at once, each in its own transactions and still strictly in order (default 4). Events of one
   * aggregate share a partition; rows touched from two topics (counters) may make two batches wait on each other or
   * deadlock, which is retried like any transient failure.
   */
  concurrency?: number;
  onProgress?: (p: ReplayProgress) => void;
  /**
   * Stop at the first event whose fold fails for good (throw {@link FoldFailedError}) instead of skipping it: for a
   * bulk load with some constraints left out (rebuildSchema), where which events fail is only known with them in place.
   */
  failFast?: boolean;
  decode?: (value: Buffer | null) => DecodeResult;
  log?: (line: string) => void;
}

interface Decoded {
  topic: string;
  partition: number;
  offset: string;
  envelope?: Envelope;
  invalid?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fold failed for good during a {@link ReplayRangeOptions.failFast} replay. */
export class FoldFailedError extends Error {
  constructor(readonly events: string, cause: unknown) {
    super(`a fold failed in ${events}: ${(cause as Error).message}`);
  }
}

/**
 * Reads `marks`' partitions from `from` (default offset 0 / the log start) up to the marks and folds every event
 * once: the same fold code as the live consumers and decisions, never a copy. An event seen before in this replay (an
 * event published twice) is skipped by its id, kept in memory for the replay (about 100 bytes per event); consumed
 * topics also go through the projection's own dedupe and bookkeeping (Projector.applyConsumed: fold positions or
 * processed ids), as live, so that the live consumers go on from where the rebuild got. Several events share a transaction (batchSize), each run of same-type events folded by a few set-based
 * statements; a batch that fails is split until the event at fault is alone, and that one is skipped (as the live
 * consumer dead-letters it); a transient failure (database down) is retried with backoff, never skipped. Cross-topic
 * order is whatever the broker serves: the folds are order-insensitive.
 * Uses a consumer in a fresh, random group, and never produces anything.
 */
export async function replayRange(o: ReplayRangeOptions): Promise<ReplayStats> {
  const stats = emptyStats();
  const seen = new Set<string>();
  const decode = o.decode ?? decodeWithUpcasters;
  const batchSize = o.batchSize ?? 2000;
  const remaining = new Map<string, { from: bigint; high: bigint }>();
  for (const m of o.marks) {
    const start = o.from?.get(tpKey(m.topic, m.partition)) ?? m.low;
    const from = start > m.low ? start : m.low;
    if (m.high > from) remaining.set(tpKey(m.topic, m.partition), { from, high: m.high });
  }
  const total = countBetween(o.marks, o.from);
  o.onProgress?.({ done: 0, total });
  if (remaining.size === 0) return stats;

  const topics = [...new Set(o.marks.filter((m) => remaining.has(tpKey(m.topic, m.partition))).map((m) => m.topic))];
  const consumer = o.kafka.consumer({
    groupId: `replay-${o.projector.name}-${randomUUID()}`,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: o.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: 4 * (o.maxBytesPerPartition ?? 4 * 1024 * 1024),
    sessionTimeout: 60_000,
  });
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: o.concurrency ?? 4,
      eachBatchAutoResolve: false,
      // Offsets are resolved by hand (below), after the chunk holding them is folded: kafkajs fetches each partition
      // from its last resolved offset, so a batch left unresolved would be fetched again and again.
      eachBatch: async ({ batch, heartbeat, resolveOffset }) => {
        try {
          const key = tpKey(batch.topic, batch.partition);
          const range = remaining.get(key);
          if (!range) return;
          const wanted: KafkaMessage[] = batch.messages.filter((m) => BigInt(m.offset) >= range.from && BigInt(m.offset) < range.high);
          for (let i = 0; i < wanted.length; i += batchSize) {
            const chunk = wanted.slice(i, i + batchSize).map<Decoded>((m) => {
              const d = decode(m.value);
              return d.ok
                ? { topic: batch.topic, partition: batch.partition, offset: m.offset, envelope: d.envelope }
                : { topic: batch.topic, partition: batch.partition, offset: m.offset, invalid: d.reason };
            });
            await applyChunk(o, chunk, stats, seen);
            stats.messages += chunk.length;
            range.from = BigInt(chunk[chunk.length - 1].offset) + 1n;
            o.onProgress?.({ done: stats.messages, total });
            await heartbeat();
          }
          // Compacted or aborted offsets leave gaps: the last offset of the batch tells how far the partition got.
          const last = batch.messages.length ? BigInt(batch.messages[batch.messages.length - 1].offset) + 1n : range.from;
          if (last > range.from) range.from = last;
          if (batch.messages.length) resolveOffset(batch.messages[batch.messages.length - 1].offset);
          if (range.from >= range.high) {
            remaining.delete(key);
            if (remaining.size === 0) finish();
          }
        } catch (err) {
          fail(err);
          throw err;
        }
      },
    });
    // A partition whose start is past offset 0 (a later --verify round) starts where it is asked to.
    for (const m of o.marks) {
      const r = remaining.get(tpKey(m.topic, m.partition));
      if (r && r.from > m.low) consumer.seek({ topic: m.topic, partition: m.partition, offset: r.from.toString() });
    }
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return stats;
}

/**
 * Folds a chunk in one transaction (a few statements per run of same-type events). A chunk that fails for good is split in two and each half folded in turn, down to single
 * events, so that an event that fails for good is skipped alone (as the live consumer dead-letters it) while every
 * other event is folded, in order, exactly once. A transient failure (database down, deadlock) is retried as is.
 */
async function applyChunk(o: ReplayRangeOptions, chunk: Decoded[], stats: ReplayStats, seen: Set<string>): Promise<void> {
  for (const d of chunk) if (d.invalid) stats.skipped.push({ topic: d.topic, partition: d.partition, offset: d.offset, reason: `invalid message: ${d.invalid}` });
  const events: Decoded[] = [];
  for (const d of chunk) {
    if (!d.envelope) continue;
    if (!o.projector.handles(d.envelope.type)) stats.ignored++;
    else if (seen.has(d.envelope.eventId)) stats.duplicates++;
    else {
      seen.add(d.envelope.eventId);
      events.push(d);
    }
  }
  if (events.length) await applyEvents(o, events, stats);
}

async function applyEvents(o: ReplayRangeOptions, events: Decoded[], stats: ReplayStats): Promise<void> {
  let results: FoldResult[];
  try {
    results = await withRetry(o, () => o.dataSource.transaction(async (em) => {
      // A rebuild's own commits need not wait for the WAL flush: if the machine dies mid-rebuild, the rebuild is run
      // again anyway (--from-scratch's marker keeps the service down until one finishes; the other modes write a scratch
      // schema). The WAL is flushed in order, so the synchronous commit that ends a rebuild (the marker cleared) makes
      // every commit before it durable too.
      await em.query(`SET LOCAL synchronous_commit = off`);
      // One chunk is one partition's, in offset order.
      const { topic, partition } = events[0];
      return topic === o.projector.sources.own
        ? o.projector.applyMany(em, events.map((d) => d.envelope!))
        : o.projector.applyConsumed(em, topic, partition, events.map((d) => ({ envelope: d.envelope!, offset: d.offset })));
    }));
  } catch (err) {
    if (o.failFast) throw new FoldFailedError(`${events[0].topic}/${events[0].partition}@${events[0].offset}-${events[events.length - 1].offset}`, err);
    if (events.length > 1) {
      const half = Math.ceil(events.length / 2);
      await applyEvents(o, events.slice(0, half), stats);
      await applyEvents(o, events.slice(half), stats);
      return;
    }
    const d = events[0];
    const reason = `fold failed: ${(err as Error).message}`;
    o.log?.(`skipping ${d.envelope!.type} ${d.envelope!.eventId} at ${d.topic}/${d.partition}@${d.offset}: ${reason}`);
    stats.skipped.push({ topic: d.topic, partition: d.partition, offset: d.offset, reason });
    return;
  }
  for (const r of results) {
    if (r === 'applied') stats.applied++;
    else if (r === 'duplicate') stats.duplicates++;
  }
}

/** Retries transient failures (connection lost, serialization) with backoff; rethrows final ones. */
async function withRetry<T>(o: ReplayRangeOptions, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryableError(err)) throw err;
      const delay = Math.min(10_000, 100 * 2 ** Math.min(attempt, 10));
      o.log?.(`transient failure (${(err as Error).message}); retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}
