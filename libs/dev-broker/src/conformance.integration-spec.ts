// The embedded broker measured against Apache Kafka: one set of kafkajs (and raw protocol) scenarios runs on both,
// and what the client sees must be the same. Differences that are known and harmless are listed in README.md.
// Needs java (Apache Kafka from tools/kafka/pom.xml); without it this suite is skipped with a note, as `npm test`
// on a Node-only machine runs everything else as before.
import { spawnSync } from 'node:child_process';
import { startApacheKafka, type ApacheKafkaCluster } from '@coupons/apache-kafka';
import { startBroker, type RunningBroker } from './index';
import { BrokerUnderTest, SCENARIOS } from './conformance/scenarios';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
jest.setTimeout(180_000);

const hasJava = spawnSync(process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java', ['-version']).status === 0;
if (!hasJava) console.warn('conformance: no java here, so the embedded broker is not compared with Apache Kafka');

(hasJava ? describe : describe.skip)('embedded broker vs Apache Kafka', () => {
  let embedded: RunningBroker;
  let apache: ApacheKafkaCluster;
  let brokers: Record<'embedded' | 'apache', BrokerUnderTest>;

  beforeAll(async () => {
    [embedded, apache] = await Promise.all([
      startBroker({ inMemory: true, port: 0, autoCreateTopics: false, logger: () => undefined }),
      startApacheKafka({ brokers: 1 }),
    ]);
    brokers = { embedded: { brokers: embedded.brokers, port: embedded.port }, apache: { brokers: apache.brokers, port: apache.nodes[0].brokerPort } };
  });
  afterAll(async () => {
    await Promise.all([embedded?.close(), apache?.stop()]);
  });

  it.each(Object.keys(SCENARIOS))('%s', async (scenario) => {
    const run = SCENARIOS[scenario];
    const [onApache, onEmbedded] = [await run(brokers.apache), await run(brokers.embedded)];
    console.log(`${scenario}\n  apache:   ${JSON.stringify(onApache)}\n  embedded: ${JSON.stringify(onEmbedded)}`);
    expect(onEmbedded).toEqual(onApache);
  });
});
