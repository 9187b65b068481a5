/** One combined broker+controller node of a local KRaft cluster. */
export interface KafkaNodeSpec {
  /** node.id, from 1. */
  id: number;
  brokerPort: number;
  controllerPort: number;
  /** Folder of this node: its config, log4j output and (under log/) Kafka's log. */
  dir: string;
}

export const HOST = '127.0.0.1';

/**
 * server.properties of one node of an n-node cluster. Replication follows the cluster's size as production would
 * (min(3, n) copies, min.insync.replicas 2 from 3 nodes on the internal topics); the only settings changed for
 * speed are ones that do not change what a client sees: no initial rebalance delay, fewer offsets partitions.
 */
export function serverProperties(node: KafkaNodeSpec, all: KafkaNodeSpec[]): string {
  const replicas = Math.min(3, all.length);
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': all.map((n) => `${n.id}@${HOST}:${n.controllerPort}`).join(','),
    listeners: `PLAINTEXT://${HOST}:${node.brokerPort},CONTROLLER://${HOST}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${node.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': `${node.dir}/log`,
    // Topics are provisioned by the services with their configs (libs/contracts topic declarations), never implied.
    'auto.create.topics.enable': 'false',
    'offsets.topic.replication.factor': replicas,
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.replication.factor': replicas,
    'transaction.state.log.min.isr': Math.min(2, replicas),
    'share.coordinator.state.topic.replication.factor': replicas,
    'share.coordinator.state.topic.min.isr': Math.min(2, replicas),
    'default.replication.factor': replicas,
    'unclean.leader.election.enable': 'false',
    'group.initial.rebalance.delay.ms': 0,
  };
  // Kafka's default (1) stays the default below 3 replicas, so DescribeConfigs reports it as a default there too.
  if (replicas >= 3) props['min.insync.replicas'] = 2;
  return `${Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** log4j2 configuration writing Kafka's own log to `<node dir>/server.log`, so the launcher's output stays short. */
export function log4jProperties(node: KafkaNodeSpec): string {
  return [
    'status = warn',
    'appender.file.type = File',
    'appender.file.name = file',
    `appender.file.fileName = ${node.dir}/server.log`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'rootLogger.level = info',
    'rootLogger.appenderRef.file.ref = file',
    // Per-request logging is noise here.
    'logger.request.name = kafka.request.logger',
    'logger.request.level = warn',
    '',
  ].join('\n');
}
