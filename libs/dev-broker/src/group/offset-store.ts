import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

type Line =
  | [group: string, topic: string, partition: number, offset: number, metadata: string | null, leaderEpoch?: number]
  | { deleteTopic: string }
  | { deleteGroup: string };

/**
 * Committed consumer-group offsets. On disk: an append-only JSON-lines journal (offsets.jsonl),
 * compacted on start-up; a torn last line (crash mid-append) is ignored.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private fd = -1;
  private file: string | undefined;
  /** journal lines written vs. entries alive, to know when compaction pays off */
  private lines = 0;
  private live = 0;

  constructor(
    dataDir: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    if (dataDir) this.file = path.join(dataDir, 'offsets.jsonl');
  }

  open(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    if (fs.existsSync(this.file)) {
      const lines = fs.readFileSync(this.file, 'utf8').split('\n');
      let bad = 0;
      for (const text of lines) {
        if (!text) continue;
        try {
          this.apply(JSON.parse(text) as Line);
        } catch {
          bad++;
        }
      }
      if (bad > 0) this.log(`offsets.jsonl: skipped ${bad} unreadable line(s) (torn write)`);
    }
    this.compact();
  }

  /** Rewrites the journal as the current state, then keeps appending to it. */
  private compact(): void {
    if (!this.file) return;
    if (this.fd >= 0) fs.closeSync(this.fd);
    const tmp = `${this.file}.tmp`;
    const out: string[] = [];
    for (const [g, topics] of this.groups)
      for (const [t, parts] of topics) for (const [p, c] of parts) out.push(JSON.stringify([g, t, p, c.offset, c.metadata, c.leaderEpoch]));
    fs.writeFileSync(tmp, out.length ? out.join('\n') + '\n' : '');
    fs.renameSync(tmp, this.file);
    this.fd = fs.openSync(this.file, 'a');
    this.live = out.length;
    this.lines = out.length;
  }

  private apply(line: Line): void {
    if (Array.isArray(line)) {
      const [g, t, p, offset, metadata, leaderEpoch] = line;
      this.set(g, t, p, { offset, metadata, leaderEpoch: leaderEpoch ?? -1 });
    } else if (line && 'deleteTopic' in line) {
      for (const topics of this.groups.values()) topics.delete(line.deleteTopic);
    } else if (line && 'deleteGroup' in line) {
      this.groups.delete(line.deleteGroup);
    }
  }

  private set(group: string, topic: string, partition: number, c: CommittedOffset): void {
    let topics = this.groups.get(group);
    if (!topics) this.groups.set(group, (topics = new Map()));
    let parts = topics.get(topic);
    if (!parts) topics.set(topic, (parts = new Map()));
    if (!parts.has(partition)) this.live++;
    parts.set(partition, c);
  }

  /** Stores a set of commits with one write. */
  commit(group: string, entries: Array<{ topic: string; partition: number } & CommittedOffset>): void {
    let text = '';
    for (const e of entries) {
      this.set(group, e.topic, e.partition, { offset: e.offset, metadata: e.metadata, leaderEpoch: e.leaderEpoch });
      if (this.fd >= 0) text += JSON.stringify([group, e.topic, e.partition, e.offset, e.metadata, e.leaderEpoch]) + '\n';
    }
    if (text && this.fd >= 0) {
      fs.writeSync(this.fd, text);
      this.lines += entries.length;
      if (this.lines > 10000 && this.lines > 10 * this.live) this.compact();
    }
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** all committed offsets of a group, by topic */
  all(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  deleteTopic(topic: string): void {
    this.apply({ deleteTopic: topic });
    if (this.fd >= 0) fs.writeSync(this.fd, JSON.stringify({ deleteTopic: topic }) + '\n');
  }

  deleteGroup(group: string): void {
    this.apply({ deleteGroup: group });
    if (this.fd >= 0) fs.writeSync(this.fd, JSON.stringify({ deleteGroup: group }) + '\n');
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}
