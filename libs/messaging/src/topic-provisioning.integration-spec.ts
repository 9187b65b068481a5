// Topics come from their declarations, with their retention, and an event topic that would make replays wrong
// (finite retention, compaction) stops whoever provisions it, naming the topic and the setting.
import { Queries, Topics } from '@coupons/contracts';
import { RunningBroker, testBroker } from '@coupons/testing';
import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { createKafka } from './kafka';
import { TopicMisconfigured, ensureTopics } from './topic-provisioning';
import { uniqueTopic } from './test/harness';

jest.setTimeout(60_000);

let broker: RunningBroker;
let kafka: Kafka;
beforeAll(async () => {
  broker = await testBroker();
  kafka = createKafka([broker.brokers], 'provisioning-test');
});
afterAll(() => broker.stop());

async function configsOf(topic: string): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'retention.bytes', 'cleanup.policy', 'min.insync.replicas'] }],
    });
    return Object.fromEntries(resources[0].configEntries.map((c) => [c.configName, c.configValue]));
  } finally {
    await admin.disconnect();
  }
}

async function createBare(topic: string, configs: Record<string, string>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })) }] });
  await admin.disconnect();
}

it('creates declared topics with their kind\'s retention: events for good, replies for an hour', async () => {
  const reply = `${Queries.getWallet}.reply`;
  await ensureTopics(kafka, [Topics.walletEvents, Topics.walletCommands, reply, Topics.deadLetter]);
  expect(await configsOf(Topics.walletEvents)).toEqual({ 'retention.ms': '-1', 'retention.bytes': '-1', 'cleanup.policy': 'delete', 'min.insync.replicas': '1' });
  expect(await configsOf(Topics.walletCommands)).toMatchObject({ 'retention.ms': String(7 * 86_400_000), 'cleanup.policy': 'delete' });
  expect(await configsOf(reply)).toMatchObject({ 'retention.ms': '3600000' });
  expect(await configsOf(Topics.deadLetter)).toMatchObject({ 'retention.ms': String(30 * 86_400_000) });
  // Provisioning again (another instance, a restart) finds them and changes nothing.
  await ensureTopics(kafka, [Topics.walletEvents, reply]);
});

it.each([
  ['retention.ms', { 'retention.ms': '604800000' }],
  ['retention.bytes', { 'retention.bytes': '1073741824' }],
  ['cleanup.policy', { 'cleanup.policy': 'compact' }],
])('refuses an event topic that exists with a finite or compacting %s, naming topic and setting', async (setting, configs) => {
  const topic = `${uniqueTopic('misconfigured')}.events.v1`;
  await createBare(topic, configs);
  const failure = await ensureTopics(kafka, [topic]).then(() => undefined, (err: Error) => err);
  expect(failure).toBeInstanceOf(TopicMisconfigured);
  expect(failure!.message).toContain(`topic ${topic} has ${setting}=${Object.values(configs)[0]}`);
});

it('leaves the retention of a command topic to its declaration (finite is right there)', async () => {
  const topic = `${uniqueTopic('cmds')}.commands.v1`;
  await ensureTopics(kafka, [topic]);
  expect(await configsOf(topic)).toMatchObject({ 'retention.ms': String(7 * 86_400_000) });
});
