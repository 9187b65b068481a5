import { TOPIC_CONFIGS, TopicDeclaration, topicDeclaration } from '@coupons/contracts';
import { Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

/** An event topic exists with settings under which a replay from it would be wrong: the service must not start. */
export class TopicMisconfigured extends Error {
  override readonly name = 'TopicMisconfigured';
}

/** What an event topic must have: what it is declared with (every event kept for good, never compacted away). */
const EVENT_TOPIC_MUST: Readonly<Record<string, string>> = TOPIC_CONFIGS.events;

/** Why an event topic with these configs would make replays wrong (one line per setting), none when it is sound. */
export function eventTopicProblems(topic: string, configs: Record<string, string | null | undefined>): string[] {
  return Object.entries(EVENT_TOPIC_MUST)
    .filter(([name, must]) => configs[name] !== must)
    .map(([name, must]) => `topic ${topic} has ${name}=${configs[name] ?? '(unset)'}, but an event topic needs ${name}=${must}: it is the record, and a replay from it would miss or merge events`);
}

/** Replicas per topic: as asked (KAFKA_REPLICATION_FACTOR), else min(3, brokers in the cluster). */
async function replicationFactor(admin: Admin, asked: number | undefined): Promise<number> {
  if (asked) return asked;
  const { brokers } = await admin.describeCluster();
  return Math.min(3, Math.max(1, brokers.length));
}

/**
 * Provisions topics from their declarations (libs/contracts topic-declarations): creates the missing ones with
 * their partitions, retention and cleanup policy, min.insync.replicas 2 from 3 replicas, then checks every event
 * topic among them, throwing {@link TopicMisconfigured} (naming topic and setting) on finite retention or
 * compaction. Safe to call concurrently from several instances. `numPartitions` overrides the declared partitions
 * of new topics (tests); `replicas` the replication factor.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions?: number, replicas?: number): Promise<void> {
  if (topics.length === 0) return;
  const declared = [...new Set(topics)].map((t) => topicDeclaration(t, numPartitions));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = declared.filter((d) => !existing.has(d.name));
    if (missing.length > 0) await createTopics(admin, missing, await replicationFactor(admin, replicas));
    await waitForLeaders(admin, declared.map((d) => d.name));
    await checkEventTopics(admin, declared.filter((d) => d.kind === 'events'));
  } finally {
    await admin.disconnect();
  }
}

async function createTopics(admin: Admin, topics: TopicDeclaration[], rf: number): Promise<void> {
  const minInsync = rf >= 3 ? 2 : 1;
  try {
    // Not kafkajs's waitForLeaders: it asks any one broker and fails on one that does not know the topic yet (see
    // waitForLeaders below, which ensureTopics runs next).
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((d) => ({
        topic: d.name,
        numPartitions: d.partitions,
        replicationFactor: rf,
        configEntries: Object.entries({ ...d.configs, 'min.insync.replicas': String(minInsync) }).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (err) {
    // Another instance created some of them between our list and create: that is what we wanted.
    const errors = (err as { errors?: { type?: string; topic?: string }[] }).errors;
    const real = errors?.filter((e) => e.type !== 'TOPIC_ALREADY_EXISTS');
    if (!errors || real!.length > 0) {
      const detail = real?.map((e) => `${e.topic ?? '?'}: ${e.type ?? e}`).join(', ');
      throw new Error(`cannot create topics ${topics.map((t) => t.name).join(', ')}${detail ? ` (${detail})` : ''}: ${(err as Error).message}`);
    }
  }
}

/**
 * Waits until every broker of the cluster lists every topic with a leader for each partition. On a cluster a topic
 * another instance has just created (our create then answers "already exists") reaches each broker's metadata at its
 * own pace, and a client asking a broker that does not know it yet fails: subscribe gives up at once on "This server
 * does not host this topic-partition". So each broker is asked in turn, on a connection of its own.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { brokers } = await admin.describeCluster();
  for (const { host, port } of brokers) {
    const one = new Kafka({ clientId: 'topic-provisioning', brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      for (;;) {
        let pending: string;
        try {
          await one.connect();
          const { topics: found } = await one.fetchTopicMetadata({ topics });
          const leaderless = found.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
          if (leaderless.length === 0) break;
          pending = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
        } catch (err) {
          pending = (err as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} not ready on broker ${host}:${port} in ${timeoutMs} ms: ${pending}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await one.disconnect().catch(() => undefined);
    }
  }
}

async function checkEventTopics(admin: Admin, events: TopicDeclaration[]): Promise<void> {
  if (events.length === 0) return;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: events.map((d) => ({ type: ConfigResourceTypes.TOPIC, name: d.name, configNames: Object.keys(EVENT_TOPIC_MUST) })),
  });
  const problems = resources.flatMap((r) => eventTopicProblems(r.resourceName, Object.fromEntries(r.configEntries.map((c) => [c.configName, c.configValue]))));
  if (problems.length > 0) throw new TopicMisconfigured(problems.join('; '));
}
