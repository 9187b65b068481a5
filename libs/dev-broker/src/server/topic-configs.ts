/**
 * Topic-level configs this broker knows, with Apache Kafka 4's defaults: CreateTopics validates them as Kafka does
 * (INVALID_CONFIG for an unknown name or a bad value) and DescribeConfigs reports them, so that the platform's
 * provisioning (retention, cleanup policy, min.insync.replicas) is checked here as it is against Kafka. Only
 * max.message.bytes changes this broker's behaviour; retention and compaction are recorded, not enforced.
 */
type Kind = 'long' | 'int' | 'bool' | 'cleanup' | 'timestamp' | 'compression';

const KNOWN: Record<string, { kind: Kind; default: string; min?: number; source?: number }> = {
  'cleanup.policy': { kind: 'cleanup', default: 'delete' },
  'compression.type': { kind: 'compression', default: 'producer' },
  'delete.retention.ms': { kind: 'long', default: '86400000', min: 0 },
  'max.message.bytes': { kind: 'int', default: '1048588', min: 0 },
  'message.timestamp.type': { kind: 'timestamp', default: 'CreateTime' },
  'min.compaction.lag.ms': { kind: 'long', default: '0', min: 0 },
  // Kafka 4's controller writes min.insync.replicas as a cluster-wide dynamic default (KIP-966), and says so.
  'min.insync.replicas': { kind: 'int', default: '1', min: 1, source: 3 },
  'retention.bytes': { kind: 'long', default: '-1' },
  'retention.ms': { kind: 'long', default: '604800000', min: -1 },
  'segment.bytes': { kind: 'int', default: '1073741824', min: 1048576 },
  'segment.ms': { kind: 'long', default: '604800000', min: 1 },
  'unclean.leader.election.enable': { kind: 'bool', default: 'false' },
};

/** Kafka's ConfigSource values as DescribeConfigs v1+ reports them. */
export const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, DYNAMIC_DEFAULT_BROKER_CONFIG: 3, DEFAULT_CONFIG: 5 } as const;

/** Why Kafka would refuse this topic config (its INVALID_CONFIG message), or null when it is valid. */
export function invalidTopicConfig(name: string, value: string | null): string | null {
  const spec = KNOWN[name];
  if (!spec) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic configs: ${name}`;
  const bad = (what: string) => `Invalid value ${value} for configuration ${name}: ${what}`;
  switch (spec.kind) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(value.trim())) return bad(`Not a number of type ${spec.kind.toUpperCase()}`);
      if (spec.min !== undefined && Number(value) < spec.min) return bad(`Value must be at least ${spec.min}`);
      return null;
    }
    case 'bool':
      return /^(true|false)$/i.test(value.trim()) ? null : bad('Expected value to be either true or false');
    case 'cleanup': {
      const policies = value.split(',').map((p) => p.trim());
      return policies.every((p) => p === 'delete' || p === 'compact') ? null : bad('String must be one of: compact, delete');
    }
    case 'timestamp':
      return value === 'CreateTime' || value === 'LogAppendTime' ? null : bad('String must be one of: CreateTime, LogAppendTime');
    case 'compression':
      return ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'].includes(value) ? null : bad('String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer');
  }
}

/** A topic's configs as DescribeConfigs answers them: every known config, set ones first-class, in name order. */
export function describeTopicConfigs(set: Record<string, string | null>, names: string[] | null): Array<{ name: string; value: string; source: number }> {
  const wanted = names && names.length > 0 ? names.filter((n) => n in KNOWN) : Object.keys(KNOWN);
  return [...new Set(wanted)].sort().map((name) => {
    const value = set[name];
    return value !== undefined && value !== null
      ? { name, value, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }
      : { name, value: KNOWN[name].default, source: KNOWN[name].source ?? ConfigSource.DEFAULT_CONFIG };
  });
}
