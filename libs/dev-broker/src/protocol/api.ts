/** API keys this broker answers, with the version ranges it implements (and advertises). */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DeleteRecords: 21,
  CreatePartitions: 37,
  DescribeConfigs: 32,
  DeleteGroups: 42,
} as const;

/**
 * Only non-flexible versions are implemented, except ApiVersions v3 (its request uses header v2 and
 * compact fields; its response header stays v0). kafkajs 2.x never uses flexible versions, and
 * librdkafka 2.x settles on the highest common version, so it uses these ranges as well.
 */
export const SUPPORTED_VERSIONS: ReadonlyArray<readonly [key: number, min: number, max: number]> = [
  [ApiKey.Produce, 3, 7], // v3+ = record batch v2 (magic 2); v9 is flexible
  [ApiKey.Fetch, 4, 11], // v4+ returns record batches; v12 is flexible
  [ApiKey.ListOffsets, 1, 5], // v6 is flexible
  [ApiKey.Metadata, 0, 8], // v9 is flexible
  [ApiKey.OffsetCommit, 2, 7], // v8 is flexible
  [ApiKey.OffsetFetch, 1, 5], // v6 is flexible
  [ApiKey.FindCoordinator, 0, 2], // v3 is flexible
  [ApiKey.JoinGroup, 0, 5], // v6 is flexible
  [ApiKey.Heartbeat, 0, 3], // v4 is flexible
  [ApiKey.LeaveGroup, 0, 3], // v4 is flexible
  [ApiKey.SyncGroup, 0, 3], // v4 is flexible
  [ApiKey.DescribeGroups, 0, 4], // v5 is flexible
  [ApiKey.ListGroups, 0, 2], // v3 is flexible
  [ApiKey.ApiVersions, 0, 3],
  [ApiKey.CreateTopics, 0, 4], // v5 is flexible
  [ApiKey.DeleteTopics, 0, 3], // v4 is flexible
  [ApiKey.InitProducerId, 0, 1], // v2 is flexible
  [ApiKey.DeleteRecords, 0, 1], // v2 is flexible
  [ApiKey.CreatePartitions, 0, 1], // v2 is flexible
  [ApiKey.DescribeConfigs, 0, 2], // v3 adds documentation; v4 is flexible
  [ApiKey.DeleteGroups, 0, 1], // v2 is flexible
];

const ranges = new Map<number, readonly [number, number]>(SUPPORTED_VERSIONS.map(([k, min, max]) => [k, [min, max]]));

export function isSupported(apiKey: number, version: number): boolean {
  const r = ranges.get(apiKey);
  return r !== undefined && version >= r[0] && version <= r[1];
}

export function isKnownApi(apiKey: number): boolean {
  return ranges.has(apiKey);
}
