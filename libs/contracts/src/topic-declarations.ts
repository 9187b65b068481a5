import { Queries, Topics } from './topics';

/** What a topic carries decides how long Kafka keeps it. */
export type TopicKind = 'events' | 'commands' | 'queries' | 'replies' | 'dead-letter' | 'undeclared';

/** How one topic is provisioned: created with these settings, and (event topics) checked at every start-up. */
export interface TopicDeclaration {
  name: string;
  kind: TopicKind;
  partitions: number;
  /** Topic-level Kafka configs (min.insync.replicas is added at provisioning: it follows the replication factor). */
  configs: Record<string, string>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Retention by kind. Event topics are the record every table is a fold of (DESIGN.md): kept for good, never
 * compacted. Commands are kept a week (their outcomes are events; a week covers a consumer that was down over a long
 * weekend). Query requests and replies matter only until the asker's timeout: an hour. Dead letters: 30 days, for an
 * operator to look at and re-drive.
 */
export const TOPIC_CONFIGS: Record<TopicKind, Record<string, string>> = {
  events: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' },
  commands: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * DAY_MS), 'retention.bytes': '-1' },
  queries: { 'cleanup.policy': 'delete', 'retention.ms': String(HOUR_MS), 'retention.bytes': '-1' },
  replies: { 'cleanup.policy': 'delete', 'retention.ms': String(HOUR_MS), 'retention.bytes': '-1' },
  'dead-letter': { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS), 'retention.bytes': '-1' },
  // A topic no one declared (a test's own) is created keeping everything: losing records is the failure to avoid.
  undeclared: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' },
};

/** Partitions of every platform topic: the unit of ordering and of parallelism per consumer group. */
export const TOPIC_PARTITIONS = 3;

const declare = (name: string, kind: TopicKind): TopicDeclaration => ({ name, kind, partitions: TOPIC_PARTITIONS, configs: TOPIC_CONFIGS[kind] });

/** Every request/reply pattern of {@link Queries}, the command-outcome ones included. */
const QUERY_PATTERNS: string[] = Object.values(Queries).flatMap((q) => (typeof q === 'string' ? [q] : Object.values(q)));

/** Every topic the platform uses, the one place they are declared. */
export const TOPIC_DECLARATIONS: readonly TopicDeclaration[] = [
  declare(Topics.catalogCommands, 'commands'),
  declare(Topics.catalogEvents, 'events'),
  declare(Topics.walletCommands, 'commands'),
  declare(Topics.walletEvents, 'events'),
  declare(Topics.orderingCommands, 'commands'),
  declare(Topics.orderingEvents, 'events'),
  declare(Topics.deadLetter, 'dead-letter'),
  ...QUERY_PATTERNS.map((p) => declare(p, 'queries')),
  // NestJS ClientKafka answers `<pattern>` on `<pattern>.reply`.
  ...QUERY_PATTERNS.map((p) => declare(`${p}.reply`, 'replies')),
];

const byName = new Map(TOPIC_DECLARATIONS.map((d) => [d.name, d]));

/**
 * The declaration of a topic. A name not declared above (a test's own topic) is read by its shape: `*.events.v<N>`
 * is an event topic, `*.commands.v<N>` a command topic, `*.reply` a reply topic, anything else undeclared.
 */
export function topicDeclaration(name: string, partitions = TOPIC_PARTITIONS): TopicDeclaration {
  const declared = byName.get(name);
  if (declared) return partitions === declared.partitions ? declared : { ...declared, partitions };
  const kind: TopicKind = /\.events\.v\d+$/.test(name) ? 'events' : /\.commands\.v\d+$/.test(name) ? 'commands' : name.endsWith('.reply') ? 'replies' : 'undeclared';
  return { name, kind, partitions, configs: TOPIC_CONFIGS[kind] };
}
