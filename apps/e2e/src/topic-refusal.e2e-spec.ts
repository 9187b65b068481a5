// DESIGN.md: an event topic is the record, so a service refuses to start on one with finite retention or compaction
// (a replay from it would be wrong), and says which topic and setting. Run on the suite's broker (embedded or Apache).
import { Topics } from '@coupons/contracts';
import {
  RestartableBroker, ServiceName, ServiceProcess, brokerKindFromEnv, createTestDatabase, freePort, serviceEnv, serviceScript, stackBroker,
  testPostgres, workspaceRoot,
} from '@coupons/testing';
import { Kafka, logLevel } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = workspaceRoot(__dirname);
const runDir = join(root, 'tmp', 'e2e-logs', `topic-refusal-${Date.now()}`);

describe('a service on an event topic that does not keep every event', () => {
  let broker: RestartableBroker;
  let databaseUrl: string;

  beforeAll(async () => {
    broker = await stackBroker(brokerKindFromEnv());
    databaseUrl = await createTestDatabase((await testPostgres()).url, 'e2e-topics');
    // As an operator might have left it: Kafka's defaults (7 days) on the wallet's event topic.
    const admin = new Kafka({ clientId: 'e2e-topic-refusal', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: Topics.walletEvents, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '604800000' }] }] });
    await admin.disconnect();
  });
  afterAll(() => broker?.stop());

  it.each<ServiceName>(['wallet', 'scan-gateway'])('%s refuses to start, naming the topic and the setting', async (service) => {
    const httpPort = await freePort();
    const log = join(runDir, `${service}.log`);
    const p = new ServiceProcess({
      service,
      label: service,
      script: serviceScript(service, root),
      env: serviceEnv(service, {
        brokers: broker.brokers, databaseUrl, httpPort, jwtSecret: 'e2e-topic-refusal-secret', authDevTokens: false, logLevel: 'info', instanceId: `${service}-refusal`,
      }),
      httpPort,
      output: { kind: 'file', path: log },
    });
    p.start();
    const exited = await Promise.race([p.waitExit().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 90_000))]);
    if (!exited) await p.kill('SIGKILL');
    expect(exited).toBe(true);
    expect(p.exit?.code).not.toBe(0);
    expect(readFileSync(log, 'utf8')).toContain(`topic ${Topics.walletEvents} has retention.ms=604800000`);
  });
});
