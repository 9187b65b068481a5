import { ApiKey, SUPPORTED_VERSIONS, isSupported } from '../protocol/api';
import { ErrorCode } from '../protocol/errors';
import { Reader } from '../protocol/reader';
import { Writer } from '../protocol/writer';
import { splitProduced } from '../log/record-batch';
import { isValidTopicName, type LogStore, type Topic } from '../log/log-store';
import type { PartitionLog } from '../log/partition-log';
import type { GroupCoordinator, JoinResult, SyncResult } from '../group/coordinator';
import type { OffsetStore } from '../group/offset-store';
import type { Connection, Reply } from './connection';
import { ConfigSource, describeTopicConfigs, invalidTopicConfig } from './topic-configs';

export interface BrokerContext {
  nodeId: number;
  host: string;
  port: number;
  clusterId: string;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  store: LogStore;
  groups: GroupCoordinator;
  offsets: OffsetStore;
  log: (line: string) => void;
}

interface Req {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string;
  r: Reader;
  conn: Connection;
}

const FETCH_SESSION_ID_NOT_FOUND = 70;
const INVALID_REQUIRED_ACKS = 21;
/** guards memory against absurd requests (Kafka itself has no fixed limit) */
const MAX_PARTITIONS = 10000;

function response(correlationId: number, sizeHint = 128): Writer {
  return new Writer(sizeHint).int32(0).int32(correlationId); // size is patched when sent
}

/** Decodes the request header and dispatches; throws DecodeError on garbage (connection closed). */
export function handleFrame(ctx: BrokerContext, frame: Buffer, conn: Connection): Reply | Promise<Reply> {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const version = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString() ?? '';
  if (apiKey === ApiKey.ApiVersions) {
    // the body (and, from v3 on, the header's tagged fields) carries nothing we need; not parsing it
    // keeps unknown future versions answerable
    return apiVersions({ apiKey, version, correlationId, clientId, r, conn });
  }
  if (!isSupported(apiKey, version)) {
    conn.fail(`unsupported request api key ${apiKey} version ${version} (client ${clientId})`);
    return null;
  }
  const req: Req = { apiKey, version, correlationId, clientId, r, conn };
  switch (apiKey) {
    case ApiKey.Produce:
      return produce(ctx, req);
    case ApiKey.Fetch:
      return fetch(ctx, req);
    case ApiKey.ListOffsets:
      return listOffsets(ctx, req);
    case ApiKey.Metadata:
      return metadata(ctx, req);
    case ApiKey.OffsetCommit:
      return offsetCommit(ctx, req);
    case ApiKey.OffsetFetch:
      return offsetFetch(ctx, req);
    case ApiKey.FindCoordinator:
      return findCoordinator(ctx, req);
    case ApiKey.JoinGroup:
      return joinGroup(ctx, req);
    case ApiKey.SyncGroup:
      return syncGroup(ctx, req);
    case ApiKey.Heartbeat:
      return heartbeat(ctx, req);
    case ApiKey.LeaveGroup:
      return leaveGroup(ctx, req);
    case ApiKey.DescribeGroups:
      return describeGroups(ctx, req);
    case ApiKey.ListGroups:
      return listGroups(ctx, req);
    case ApiKey.CreateTopics:
      return createTopics(ctx, req);
    case ApiKey.DeleteTopics:
      return deleteTopics(ctx, req);
    case ApiKey.InitProducerId:
      return initProducerId(ctx, req);
    case ApiKey.CreatePartitions:
      return createPartitions(ctx, req);
    case ApiKey.DeleteRecords:
      return deleteRecords(ctx, req);
    case ApiKey.DeleteGroups:
      return deleteGroups(ctx, req);
    case ApiKey.DescribeConfigs:
      return describeConfigs(ctx, req);
    default:
      conn.fail(`unhandled api key ${apiKey}`);
      return null;
  }
}

// ---------------------------------------------------------------- ApiVersions
function apiVersions({ version, correlationId }: Req): Reply {
  const w = response(correlationId, 256);
  if (version > 3) {
    // unknown newer version: answer in v0 layout so the client retries with one we list
    w.int16(ErrorCode.UNSUPPORTED_VERSION).array(SUPPORTED_VERSIONS, (w, [k, min, max]) => w.int16(k).int16(min).int16(max));
    return w;
  }
  w.int16(ErrorCode.NONE);
  if (version >= 3) {
    w.uvarint(SUPPORTED_VERSIONS.length + 1);
    for (const [k, min, max] of SUPPORTED_VERSIONS) w.int16(k).int16(min).int16(max).uvarint(0);
  } else {
    w.array(SUPPORTED_VERSIONS, (w, [k, min, max]) => w.int16(k).int16(min).int16(max));
  }
  if (version >= 1) w.int32(0); // throttle
  if (version >= 3) w.uvarint(0); // tagged fields
  return w;
}

// ---------------------------------------------------------------- topics
function topicError(name: string): number {
  return isValidTopicName(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION;
}

function autoCreate(ctx: BrokerContext, name: string): Topic | undefined {
  if (!ctx.autoCreateTopics || !isValidTopicName(name)) return undefined;
  ctx.log(`auto-creating topic ${name} with ${ctx.defaultPartitions} partition(s)`);
  return ctx.store.createTopic(name, ctx.defaultPartitions);
}

function metadata(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  let names: string[] | null;
  if (v === 0) {
    names = r.array((r) => r.string());
    if (names.length === 0) names = null; // v0: empty means all
  } else {
    names = r.nullableArray((r) => r.string());
  }
  const allowAuto = v >= 4 ? r.bool() : true;
  const topics: Array<{ name: string; topic?: Topic; error: number }> = [];
  if (names === null) {
    for (const topic of ctx.store.topics.values()) topics.push({ name: topic.name, topic, error: ErrorCode.NONE });
  } else {
    for (const name of new Set(names)) {
      let topic = ctx.store.topics.get(name);
      if (!topic && allowAuto) topic = autoCreate(ctx, name);
      topics.push({ name, topic, error: topic ? ErrorCode.NONE : topicError(name) });
    }
  }
  const w = response(correlationId, 256 + topics.length * 64);
  if (v >= 3) w.int32(0);
  w.int32(1).int32(ctx.nodeId).string(ctx.host).int32(ctx.port);
  if (v >= 1) w.nullableString(null); // rack
  if (v >= 2) w.nullableString(ctx.clusterId);
  if (v >= 1) w.int32(ctx.nodeId); // controller
  w.int32(topics.length);
  for (const t of topics) {
    w.int16(t.error).string(t.name);
    if (v >= 1) w.bool(false);
    const parts = t.topic?.partitions ?? [];
    w.int32(parts.length);
    for (const p of parts) {
      w.int16(ErrorCode.NONE).int32(p.index).int32(ctx.nodeId);
      if (v >= 7) w.int32(0); // leader epoch
      w.int32(1).int32(ctx.nodeId); // replicas
      w.int32(1).int32(ctx.nodeId); // isr
      if (v >= 5) w.int32(0); // offline replicas
    }
    if (v >= 8) w.int32(-2147483648);
  }
  if (v >= 8) w.int32(-2147483648);
  return w;
}

function createTopics(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const reqs = r.array((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ index: r.int32(), brokers: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32(); // timeout
  const validateOnly = v >= 1 ? r.bool() : false;
  const results = reqs.map((t) => {
    const fail = (error: number, message: string) => ({ name: t.name, error, message });
    if (!isValidTopicName(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${t.name}" is illegal`);
    if (ctx.store.topics.has(t.name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
    const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? ctx.defaultPartitions : t.numPartitions;
    if (partitions < 1) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (partitions > MAX_PARTITIONS) return fail(ErrorCode.INVALID_PARTITIONS, `This development broker allows at most ${MAX_PARTITIONS} partitions per topic.`);
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1 && t.assignments.length === 0)
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`);
    for (const c of t.configs) {
      const invalid = invalidTopicConfig(c.name, c.value);
      if (invalid) return fail(ErrorCode.INVALID_CONFIG, invalid);
    }
    if (!validateOnly) {
      ctx.store.createTopic(t.name, partitions, Object.fromEntries(t.configs.map((c) => [c.name, c.value])));
      ctx.log(`created topic ${t.name} with ${partitions} partition(s)`);
    }
    return { name: t.name, error: ErrorCode.NONE, message: null as string | null };
  });
  const w = response(correlationId);
  if (v >= 2) w.int32(0);
  w.array(results, (w, t) => {
    w.string(t.name).int16(t.error);
    if (v >= 1) w.nullableString(t.message);
  });
  return w;
}

// ---------------------------------------------------------------- DescribeConfigs
const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

function describeConfigs(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const resources = r.array((r) => ({ type: r.int8(), name: r.string(), keys: r.nullableArray((r) => r.string()) }));
  if (v >= 1) r.bool(); // include synonyms: this broker has no synonyms to report
  const w = response(correlationId);
  w.int32(0);
  w.array(resources, (w, res) => {
    const topic = res.type === RESOURCE_TOPIC ? ctx.store.topics.get(res.name) : undefined;
    let error: number = ErrorCode.NONE;
    let message: string | null = null;
    if (res.type === RESOURCE_TOPIC && !topic) [error, message] = [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${res.name}' does not exist.`];
    else if (res.type !== RESOURCE_TOPIC && res.type !== RESOURCE_BROKER) [error, message] = [ErrorCode.INVALID_REQUEST, `Unsupported resource type ${res.type}`];
    const configs = topic ? describeTopicConfigs(topic.configs, res.keys) : [];
    w.int16(error).nullableString(message).int8(res.type).string(res.name);
    w.array(configs, (w, c) => {
      w.string(c.name).nullableString(c.value).bool(false);
      if (v === 0) w.bool(c.source === ConfigSource.DEFAULT_CONFIG);
      else w.int8(c.source);
      w.bool(false); // sensitive
      if (v >= 1) w.array([] as never[], () => undefined); // synonyms
    });
  });
  return w;
}

function deleteTopics(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const names = r.array((r) => r.string());
  r.int32(); // timeout
  const results = names.map((name) => {
    if (!ctx.store.deleteTopic(name)) return { name, error: topicError(name) };
    ctx.offsets.deleteTopic(name);
    ctx.log(`deleted topic ${name}`);
    return { name, error: ErrorCode.NONE };
  });
  const w = response(correlationId);
  if (v >= 1) w.int32(0);
  w.array(results, (w, t) => w.string(t.name).int16(t.error));
  return w;
}

function createPartitions(ctx: BrokerContext, { correlationId, r }: Req): Reply {
  const reqs = r.array((r) => ({ name: r.string(), count: r.int32(), assignments: r.nullableArray((r) => r.array((r) => r.int32())) }));
  r.int32(); // timeout
  const validateOnly = r.bool();
  const results = reqs.map(({ name, count }) => {
    const topic = ctx.store.topics.get(name);
    if (!topic) return { name, error: topicError(name) as number, message: `Topic '${name}' does not exist.` as string | null };
    if (count > MAX_PARTITIONS) return { name, error: ErrorCode.INVALID_PARTITIONS, message: `This development broker allows at most ${MAX_PARTITIONS} partitions per topic.` };
    if (count <= topic.partitions.length)
      return { name, error: ErrorCode.INVALID_PARTITIONS, message: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${count}.` };
    if (!validateOnly) {
      ctx.store.addPartitions(name, count);
      ctx.log(`topic ${name} now has ${count} partitions`);
    }
    return { name, error: ErrorCode.NONE, message: null };
  });
  const w = response(correlationId).int32(0);
  w.array(results, (w, t) => w.string(t.name).int16(t.error).nullableString(t.message));
  return w;
}

function deleteRecords(ctx: BrokerContext, { correlationId, r }: Req): Reply {
  const topics = r.array((r) => ({ name: r.string(), parts: r.array((r) => ({ index: r.int32(), offset: r.int64() })) }));
  r.int32(); // timeout
  const w = response(correlationId).int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name).array(t.parts, (w, p) => {
      const log = partitionOf(ctx, t.name, p.index);
      let error: number = ErrorCode.NONE;
      if (!log) error = topicError(t.name);
      else if (p.offset === -1) ctx.store.advanceLogStart(log, log.nextOffset); // -1: up to the high watermark
      else if (p.offset < 0 || p.offset > log.nextOffset) error = ErrorCode.OFFSET_OUT_OF_RANGE;
      else ctx.store.advanceLogStart(log, p.offset);
      w.int32(p.index).int64(log && !error ? log.logStartOffset : -1).int16(error);
    });
  });
  return w;
}

function deleteGroups(ctx: BrokerContext, { correlationId, r }: Req): Reply {
  const ids = r.array((r) => r.string());
  const w = response(correlationId).int32(0);
  w.array(ids, (w, id) => w.string(id).int16(ctx.groups.delete(id, ctx.offsets)));
  return w;
}

function partitionOf(ctx: BrokerContext, topic: string, index: number): PartitionLog | undefined {
  return ctx.store.topics.get(topic)?.partitions[index];
}

// ---------------------------------------------------------------- Produce
/** Kafka's message.max.bytes default (a whole record batch, including its 12-byte log overhead) */
const DEFAULT_MAX_MESSAGE_BYTES = 1048588;

function maxMessageBytes(topic: Topic): number {
  const configured = Number(topic.configs['max.message.bytes']);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_MAX_MESSAGE_BYTES;
}

function produce(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  r.nullableString(); // transactional id (v3+)
  const acks = r.int16();
  r.int32(); // timeout
  const topics = r.array((r) => ({
    name: r.string(),
    parts: r.array((r) => ({ index: r.int32(), records: r.nullableBytes(), error: 0, baseOffset: -1, logStart: -1 })),
  }));
  const acksOk = acks === 0 || acks === 1 || acks === -1;
  for (const t of topics) {
    const topic = ctx.store.topics.get(t.name);
    for (const p of t.parts) {
      const log = topic?.partitions[p.index];
      if (!acksOk) p.error = INVALID_REQUIRED_ACKS;
      else if (!log) p.error = topicError(t.name);
      else if (!p.records || p.records.length === 0) p.error = ErrorCode.CORRUPT_MESSAGE;
      else {
        const batches = splitProduced(p.records);
        const limit = maxMessageBytes(topic!);
        if (typeof batches === 'number') p.error = batches;
        else if (batches.some((b) => b.length > limit)) p.error = ErrorCode.MESSAGE_TOO_LARGE;
        else {
          for (const b of batches) {
            const res = log.append(b);
            if (res.error !== ErrorCode.NONE) {
              p.error = res.error;
              break;
            }
            if (p.baseOffset < 0) p.baseOffset = res.baseOffset;
          }
        }
        p.logStart = log.logStartOffset;
      }
      p.records = null;
    }
  }
  ctx.store.flush(); // written before acknowledging; wakes fetches waiting on these partitions
  if (acks === 0) return null;
  const w = response(correlationId);
  w.int32(topics.length);
  for (const t of topics) {
    w.string(t.name).int32(t.parts.length);
    for (const p of t.parts) {
      w.int32(p.index).int16(p.error).int64(p.error ? -1 : p.baseOffset);
      w.int64(-1); // log append time (v2+): CreateTime topics
      if (v >= 5) w.int64(p.logStart);
    }
  }
  w.int32(0); // throttle
  return w;
}

// ---------------------------------------------------------------- Fetch
interface FetchPart {
  index: number;
  offset: number;
  maxBytes: number;
  error: number;
  hw: number;
  logStart: number;
  batches: Buffer[];
  bytes: number;
}

function fetch(ctx: BrokerContext, { version: v, correlationId, r, conn }: Req): Reply | Promise<Reply> {
  r.int32(); // replica id
  const maxWait = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32(); // v3+
  r.int8(); // isolation level (no transactions here: read_committed == read_uncommitted)
  let sessionError: number = ErrorCode.NONE;
  if (v >= 7) {
    const sessionId = r.int32();
    const epoch = r.int32();
    // sessions are never created (we answer session id 0), so only "no session" requests are valid
    if (sessionId !== 0 && epoch !== -1) sessionError = FETCH_SESSION_ID_NOT_FOUND;
  }
  const topics = r.array((r) => ({
    name: r.string(),
    parts: r.array((r): FetchPart => {
      const index = r.int32();
      if (v >= 9) r.int32(); // current leader epoch
      const offset = r.int64();
      if (v >= 5) r.int64(); // follower log start
      return { index, offset, maxBytes: r.int32(), error: 0, hw: -1, logStart: -1, batches: [], bytes: 0 };
    }),
  }));
  if (v >= 7) r.array((r) => [r.string(), r.array((r) => r.int32())]); // forgotten topics
  if (v >= 11) r.string(); // rack

  const encode = (): Writer => {
    const w = response(correlationId, 128 + topics.length * 64);
    w.int32(0); // throttle
    if (v >= 7) w.int16(sessionError).int32(0);
    w.int32(topics.length);
    for (const t of topics) {
      w.string(t.name).int32(t.parts.length);
      for (const p of t.parts) {
        w.int32(p.index).int16(p.error).int64(p.hw).int64(p.hw); // high watermark, last stable offset
        if (v >= 5) w.int64(p.logStart);
        w.int32(-1); // aborted transactions: null
        if (v >= 11) w.int32(-1); // preferred read replica
        w.int32(p.bytes).rawList(p.batches);
      }
    }
    return w;
  };
  if (sessionError !== ErrorCode.NONE) {
    for (const t of topics) t.parts.length = 0;
    return encode();
  }

  // gathers what is available now; true if something must be answered immediately (errors)
  const collect = (): { bytes: number; errors: boolean } => {
    let total = 0;
    let errors = false;
    for (const t of topics) {
      const topic = ctx.store.topics.get(t.name);
      for (const p of t.parts) {
        p.batches.length = 0;
        p.bytes = 0;
        const log = topic?.partitions[p.index];
        if (!log) {
          p.error = topicError(t.name);
          p.hw = p.logStart = -1;
          errors = true;
          continue;
        }
        p.hw = log.nextOffset;
        p.logStart = log.logStartOffset;
        if (p.offset < log.logStartOffset || p.offset > log.nextOffset) {
          p.error = ErrorCode.OFFSET_OUT_OF_RANGE;
          // Kafka answers an error partition with no offsets at all (-1), not the marks it has.
          p.hw = p.logStart = -1;
          errors = true;
          continue;
        }
        p.error = ErrorCode.NONE;
        if (p.offset === log.nextOffset) continue;
        // KIP-74: limits may be exceeded by one whole batch so a large batch never blocks a consumer; here every
        // partition gets that allowance while the response is still below its overall limit
        const budget = Math.min(p.maxBytes, maxBytes - total);
        p.bytes = log.read(p.offset, budget, total < maxBytes, p.batches);
        total += p.bytes;
      }
    }
    return { bytes: total, errors };
  };

  const first = collect();
  if (first.errors || first.bytes >= minBytes || maxWait <= 0) return encode();
  // long poll: park until enough data arrives, the wait expires, or the connection goes away
  return new Promise<Reply>((resolve) => {
    const logs: PartitionLog[] = [];
    for (const t of topics) {
      const topic = ctx.store.topics.get(t.name);
      for (const p of t.parts) {
        const log = topic?.partitions[p.index];
        if (log) logs.push(log);
      }
    }
    let done = false;
    const finish = (reply: Reply): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const log of logs) log.waiters.delete(wake);
      conn.parked.delete(abort);
      resolve(reply);
    };
    const wake = (): void => {
      const now = collect();
      if (now.errors || now.bytes >= minBytes) finish(encode());
    };
    const abort = (): void => finish(null);
    const timer = setTimeout(() => {
      collect();
      finish(encode());
    }, maxWait);
    for (const log of logs) log.waiters.add(wake);
    conn.parked.add(abort);
  });
}

// ---------------------------------------------------------------- ListOffsets
function listOffsets(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  r.int32(); // replica id
  if (v >= 2) r.int8(); // isolation level
  const topics = r.array((r) => ({
    name: r.string(),
    parts: r.array((r) => {
      const index = r.int32();
      if (v >= 4) r.int32(); // current leader epoch
      return { index, timestamp: r.int64() };
    }),
  }));
  const w = response(correlationId);
  if (v >= 2) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name).array(t.parts, (w, p) => {
      const log = partitionOf(ctx, t.name, p.index);
      let error: number = ErrorCode.NONE;
      let offset = -1;
      let timestamp = -1;
      if (!log) error = topicError(t.name);
      else if (p.timestamp === -1) offset = log.nextOffset;
      else if (p.timestamp === -2) offset = log.logStartOffset;
      else if (p.timestamp < 0) error = ErrorCode.UNKNOWN_SERVER_ERROR;
      else ({ offset, timestamp } = log.offsetForTimestamp(p.timestamp));
      w.int32(p.index).int16(error).int64(timestamp).int64(offset);
      if (v >= 4) w.int32(0); // leader epoch
    });
  });
  return w;
}

// ---------------------------------------------------------------- groups
function findCoordinator(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  r.string(); // key (group or transactional id): this broker coordinates everything
  if (v >= 1) r.int8();
  const w = response(correlationId);
  if (v >= 1) w.int32(0);
  w.int16(ErrorCode.NONE);
  if (v >= 1) w.nullableString(null);
  return w.int32(ctx.nodeId).string(ctx.host).int32(ctx.port);
}

function joinGroup(ctx: BrokerContext, { version: v, correlationId, clientId, r, conn }: Req): Promise<Reply> {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = v >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const groupInstanceId = v >= 5 ? r.nullableString() : null;
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));
  const encode = (res: JoinResult): Writer => {
    const w = response(correlationId, 256);
    if (v >= 2) w.int32(0);
    w.int16(res.error).int32(res.generationId).string(res.protocolName).string(res.leader).string(res.memberId);
    w.array(res.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 5) w.nullableString(m.groupInstanceId);
      w.bytes(m.metadata);
    });
    return w;
  };
  return new Promise<Reply>((resolve) => {
    let done = false;
    const abort = (): void => {
      done = true;
      resolve(null);
    };
    conn.parked.add(abort);
    ctx.groups.join(
      {
        groupId,
        sessionTimeoutMs,
        rebalanceTimeoutMs,
        memberId,
        groupInstanceId,
        protocolType,
        protocols,
        clientId,
        clientHost: conn.socket.remoteAddress ?? '',
        requireKnownMemberId: v >= 4,
      },
      (res) => {
        conn.parked.delete(abort);
        if (!done) resolve(encode(res));
        done = true;
      },
    );
  });
}

function syncGroup(ctx: BrokerContext, { version: v, correlationId, r, conn }: Req): Promise<Reply> {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString(); // group instance id
  const assignments = r.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }));
  const encode = (res: SyncResult): Writer => {
    const w = response(correlationId);
    if (v >= 1) w.int32(0);
    return w.int16(res.error).bytes(res.assignment);
  };
  return new Promise<Reply>((resolve) => {
    let done = false;
    const abort = (): void => {
      done = true;
      resolve(null);
    };
    conn.parked.add(abort);
    ctx.groups.sync(groupId, generationId, memberId, assignments, (res) => {
      conn.parked.delete(abort);
      if (!done) resolve(encode(res));
      done = true;
    });
  });
}

function heartbeat(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 3) r.nullableString();
  const error = ctx.groups.heartbeat(groupId, generationId, memberId);
  const w = response(correlationId, 16);
  if (v >= 1) w.int32(0);
  return w.int16(error);
}

function leaveGroup(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const groupId = r.string();
  const w = response(correlationId);
  if (v >= 3) {
    const members = r.array((r) => ({ memberId: r.string(), groupInstanceId: r.nullableString() }));
    const results = members.map((m) => ({ ...m, error: ctx.groups.leave(groupId, m.memberId) }));
    w.int32(0).int16(ErrorCode.NONE);
    w.array(results, (w, m) => w.string(m.memberId).nullableString(m.groupInstanceId).int16(m.error));
    return w;
  }
  const error = ctx.groups.leave(groupId, r.string());
  if (v >= 1) w.int32(0);
  return w.int16(error);
}

function describeGroups(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const ids = r.array((r) => r.string());
  if (v >= 3) r.bool();
  const w = response(correlationId, 256);
  if (v >= 1) w.int32(0);
  w.array(ids, (w, id) => {
    const d = ctx.groups.describe(id);
    w.int16(ErrorCode.NONE).string(id).string(d.state).string(d.protocolType).string(d.protocol);
    w.array(d.members, (w, m) => {
      w.string(m.memberId);
      if (v >= 4) w.nullableString(m.groupInstanceId);
      w.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
    });
    if (v >= 3) w.int32(-2147483648);
  });
  return w;
}

function listGroups(ctx: BrokerContext, { version: v, correlationId }: Req): Reply {
  const ids = new Set([...ctx.groups.groups.keys(), ...ctx.offsets.groupIds()]);
  const w = response(correlationId);
  if (v >= 1) w.int32(0);
  w.int16(ErrorCode.NONE);
  w.array([...ids], (w, id) => w.string(id).string(ctx.groups.groups.get(id)?.protocolType ?? 'consumer'));
  return w;
}

function offsetCommit(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  if (v >= 7) r.nullableString(); // group instance id
  if (v >= 2 && v <= 4) r.int64(); // retention time
  const topics = r.array((r) => ({
    name: r.string(),
    parts: r.array((r) => {
      const index = r.int32();
      const offset = r.int64();
      const leaderEpoch = v >= 6 ? r.int32() : -1;
      return { index, offset, leaderEpoch, metadata: r.nullableString() };
    }),
  }));
  const groupError = groupId ? ctx.groups.validateCommit(groupId, generationId, memberId) : ErrorCode.INVALID_GROUP_ID;
  const commits: Array<{ topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }> = [];
  const results = topics.map((t) => ({
    name: t.name,
    parts: t.parts.map((p) => {
      let error = groupError;
      if (error === ErrorCode.NONE && !partitionOf(ctx, t.name, p.index)) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (error === ErrorCode.NONE) commits.push({ topic: t.name, partition: p.index, offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: p.metadata });
      return { index: p.index, error };
    }),
  }));
  if (commits.length > 0) ctx.offsets.commit(groupId, commits);
  const w = response(correlationId);
  if (v >= 3) w.int32(0);
  w.array(results, (w, t) => w.string(t.name).array(t.parts, (w, p) => w.int32(p.index).int16(p.error)));
  return w;
}

function offsetFetch(ctx: BrokerContext, { version: v, correlationId, r }: Req): Reply {
  const groupId = r.string();
  const requested = r.nullableArray((r) => ({ name: r.string(), parts: r.array((r) => r.int32()) }));
  let topics: Array<{ name: string; parts: number[] }>;
  if (requested) topics = requested;
  else topics = [...ctx.offsets.all(groupId)].map(([name, parts]) => ({ name, parts: [...parts.keys()] }));
  const w = response(correlationId);
  if (v >= 3) w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name).array(t.parts, (w, index) => {
      const c = ctx.offsets.get(groupId, t.name, index);
      w.int32(index).int64(c ? c.offset : -1);
      if (v >= 5) w.int32(c ? c.leaderEpoch : -1);
      w.nullableString(c ? c.metadata : '').int16(ErrorCode.NONE);
    });
  });
  if (v >= 2) w.int16(ErrorCode.NONE);
  return w;
}

// ---------------------------------------------------------------- InitProducerId
const transactional = new WeakMap<BrokerContext, Map<string, { id: number; epoch: number }>>();

function initProducerId(ctx: BrokerContext, { correlationId, r }: Req): Reply {
  const transactionalId = r.nullableString();
  r.int32(); // transaction timeout
  let id: number;
  let epoch = 0;
  if (transactionalId) {
    // transactions are not implemented; a stable id with a bumped epoch keeps fencing semantics
    let map = transactional.get(ctx);
    if (!map) transactional.set(ctx, (map = new Map()));
    const prev = map.get(transactionalId);
    const next = prev ? { id: prev.id, epoch: prev.epoch + 1 } : { id: ctx.store.allocateProducerId(), epoch: 0 };
    map.set(transactionalId, next);
    ({ id, epoch } = next);
  } else {
    id = ctx.store.allocateProducerId();
  }
  return response(correlationId).int32(0).int16(ErrorCode.NONE).int64(id).int16(epoch);
}
