import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { Segment } from './segment';
import { batchBaseOffset, checkBatch } from './record-batch';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  configs: Record<string, string | null>;
}

interface BrokerMeta {
  nextProducerId: number;
  /** end offsets of deleted topics: a re-created topic continues from there, so offsets only grow */
  floors: Record<string, number[]>;
  /** log start offsets raised by DeleteRecords: topic -> partition -> offset */
  logStarts: Record<string, Record<string, number>>;
}

const SEGMENT_BYTES = 256 * 1024 * 1024;
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

const segmentName = (base: number): string => `${String(base).padStart(20, '0')}.log`;

/**
 * All topics and their partition logs. Layout under dataDir:
 *   broker.json                         producer id counter, offset floors of deleted topics
 *   topics/<topic>/topic.json           partition count and configs
 *   topics/<topic>/<partition>/<base>.log  record batches exactly as served
 */
export class LogStore {
  readonly topics = new Map<string, Topic>();
  private readonly dirtySegments = new Set<Segment>();
  private readonly appended = new Set<PartitionLog>();
  private meta: BrokerMeta = { nextProducerId: 1000, floors: {}, logStarts: {} };
  private readonly onAppend = (p: PartitionLog): void => {
    this.appended.add(p);
  };

  constructor(
    private readonly dataDir: string | undefined,
    private readonly log: (line: string) => void,
    /** memory budget per partition for batches that are also on disk (older ones are read back from the file) */
    private readonly cacheBytesPerPartition = DEFAULT_CACHE_BYTES,
    private readonly segmentBytes = SEGMENT_BYTES,
  ) {}

  private get topicsDir(): string | undefined {
    return this.dataDir ? path.join(this.dataDir, 'topics') : undefined;
  }

  open(): void {
    if (!this.dataDir || !this.topicsDir) return;
    fs.mkdirSync(this.topicsDir, { recursive: true });
    const metaPath = path.join(this.dataDir, 'broker.json');
    if (fs.existsSync(metaPath)) {
      try {
        this.meta = { ...this.meta, ...JSON.parse(fs.readFileSync(metaPath, 'utf8')) };
      } catch (e) {
        this.log(`broker.json unreadable, starting with defaults: ${(e as Error).message}`);
      }
    }
    for (const name of fs.readdirSync(this.topicsDir)) {
      const dir = path.join(this.topicsDir, name);
      let desc: { partitions: number; configs?: Record<string, string | null> };
      try {
        desc = JSON.parse(fs.readFileSync(path.join(dir, 'topic.json'), 'utf8'));
      } catch {
        this.log(`ignoring ${dir}: no readable topic.json`);
        continue;
      }
      const topic: Topic = { name, partitions: [], configs: desc.configs ?? {} };
      for (let p = 0; p < desc.partitions; p++) topic.partitions.push(this.loadPartition(name, p, path.join(dir, String(p))));
      this.topics.set(name, topic);
    }
  }

  private loadPartition(topic: string, index: number, dir: string): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^\d{20}\.log$/.test(f))
      .sort();
    const firstBase = files.length > 0 ? Number(files[0].slice(0, 20)) : (this.meta.floors[topic]?.[index] ?? 0);
    const log = new PartitionLog(topic, index, firstBase, this.cacheBytesPerPartition);
    let torn = false;
    for (const name of files) {
      const file = path.join(dir, name);
      if (torn) {
        // everything after a torn segment is unreachable: drop it
        this.log(`${topic}-${index}: removing ${name}, which follows a torn segment`);
        fs.rmSync(file, { force: true });
        continue;
      }
      const buf = fs.readFileSync(file);
      let pos = 0;
      const batches: Array<[number, number]> = [];
      let expected = log.nextOffset;
      while (pos < buf.length) {
        const size = checkBatch(buf, pos, buf.length);
        const base = size > 0 ? batchBaseOffset(buf.subarray(pos)) : -1;
        if (size <= 0 || base < expected) break; // torn, corrupt, or offsets going backwards
        batches.push([pos, size]);
        expected = base + buf.readInt32BE(pos + 23) + 1;
        pos += size;
      }
      if (pos < buf.length) {
        this.log(`${topic}-${index}: ${name} has ${buf.length - pos} invalid bytes at position ${pos} (torn write), truncating`);
        fs.truncateSync(file, pos);
        torn = true;
      }
      const seg = Segment.open(file, Number(name.slice(0, 20)), this.dirtySegments);
      log.segments.push(seg);
      for (const [p, size] of batches) log.load(buf.subarray(p, p + size), batchBaseOffset(buf.subarray(p)), seg, p);
    }
    const raised = this.meta.logStarts[topic]?.[index];
    if (raised !== undefined) log.advanceLogStart(raised);
    log.detachLoaded();
    if (log.segments.length === 0) log.segments.push(Segment.open(path.join(dir, segmentName(firstBase)), firstBase, this.dirtySegments));
    log.onAppend = this.onAppend;
    return log;
  }

  private saveMeta(): void {
    if (!this.dataDir) return;
    const file = path.join(this.dataDir, 'broker.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(this.meta));
    fs.renameSync(`${file}.tmp`, file);
  }

  allocateProducerId(): number {
    const id = this.meta.nextProducerId++;
    this.saveMeta();
    return id;
  }

  createTopic(name: string, partitions: number, configs: Record<string, string | null> = {}): Topic {
    const floors = this.meta.floors[name] ?? [];
    const topic: Topic = { name, partitions: [], configs };
    const dir = this.topicsDir ? path.join(this.topicsDir, name) : undefined;
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'topic.json'), JSON.stringify({ partitions, configs }));
    }
    for (let p = 0; p < partitions; p++) topic.partitions.push(this.newPartition(name, p, floors[p] ?? 0, dir));
    this.topics.set(name, topic);
    return topic;
  }

  addPartitions(name: string, count: number): void {
    const topic = this.topics.get(name);
    if (!topic) return;
    const dir = this.topicsDir ? path.join(this.topicsDir, name) : undefined;
    const floors = this.meta.floors[name] ?? [];
    for (let p = topic.partitions.length; p < count; p++) topic.partitions.push(this.newPartition(name, p, floors[p] ?? 0, dir));
    if (dir) fs.writeFileSync(path.join(dir, 'topic.json'), JSON.stringify({ partitions: count, configs: topic.configs }));
  }

  private newPartition(name: string, p: number, start: number, dir: string | undefined): PartitionLog {
    const log = new PartitionLog(name, p, start, dir ? this.cacheBytesPerPartition : Infinity);
    if (dir) {
      const pdir = path.join(dir, String(p));
      fs.mkdirSync(pdir, { recursive: true });
      log.segments.push(Segment.open(path.join(pdir, segmentName(start)), start, this.dirtySegments));
    }
    log.onAppend = this.onAppend;
    return log;
  }

  /** DeleteRecords: records before `offset` become unreadable (persisted). */
  advanceLogStart(log: PartitionLog, offset: number): void {
    if (offset <= log.logStartOffset) return;
    log.advanceLogStart(offset);
    (this.meta.logStarts[log.topic] ??= {})[log.index] = log.logStartOffset;
    this.saveMeta();
  }

  deleteTopic(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    this.meta.floors[name] = topic.partitions.map((p) => p.nextOffset);
    delete this.meta.logStarts[name];
    this.saveMeta();
    for (const p of topic.partitions) {
      p.closeSegments();
      p.wake(); // waiting fetches answer UNKNOWN_TOPIC_OR_PARTITION now
    }
    if (this.topicsDir) fs.rmSync(path.join(this.topicsDir, name), { recursive: true, force: true });
    return true;
  }

  /** Writes queued batches to disk, then wakes fetches waiting on the appended partitions. */
  flush(): void {
    for (const s of this.dirtySegments) s.flush();
    this.dirtySegments.clear();
    for (const p of this.appended) {
      const seg = p.segment;
      if (seg && seg.size > this.segmentBytes) {
        // roll: the old file stays open for reads of batches no longer cached
        p.segments.push(Segment.open(path.join(path.dirname(seg.path), segmentName(p.nextOffset)), p.nextOffset, this.dirtySegments));
      }
    }
    if (this.appended.size === 0) return;
    const list = [...this.appended];
    this.appended.clear();
    for (const p of list) p.wake();
  }

  close(): void {
    this.flush();
    for (const t of this.topics.values()) for (const p of t.partitions) p.closeSegments();
  }
}
