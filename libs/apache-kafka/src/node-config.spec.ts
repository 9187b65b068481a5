import { KafkaNodeSpec, serverProperties } from './node-config';

const nodes = (n: number): KafkaNodeSpec[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, brokerPort: 9000 + i, controllerPort: 9100 + i, dir: `/d/node-${i + 1}` }));
const parse = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));

describe('serverProperties', () => {
  it.each([
    [1, '1', undefined],
    [3, '3', '2'],
  ])('a %i-node cluster replicates internal topics %s times with min.insync.replicas %s (unset: Kafka\'s 1)', (n, replicas, minIsr) => {
    const all = nodes(n);
    const sut = parse(serverProperties(all[n - 1], all));
    expect(sut['offsets.topic.replication.factor']).toBe(replicas);
    expect(sut['default.replication.factor']).toBe(replicas);
    expect(sut['min.insync.replicas']).toBe(minIsr);
    expect(sut['node.id']).toBe(String(n));
  });

  it('never auto-creates topics, names every voter and listens on loopback only', () => {
    const all = nodes(3);
    const sut = parse(serverProperties(all[1], all));
    expect(sut['auto.create.topics.enable']).toBe('false');
    expect(sut['controller.quorum.voters']).toBe('1@127.0.0.1:9100,2@127.0.0.1:9101,3@127.0.0.1:9102');
    expect(sut.listeners).toBe('PLAINTEXT://127.0.0.1:9001,CONTROLLER://127.0.0.1:9101');
    expect(sut['log.dirs']).toBe('/d/node-2/log');
  });
});
