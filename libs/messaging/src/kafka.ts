import { Envelope, Headers } from '@coupons/contracts';
import { Kafka, KafkaConfig, logLevel, IHeaders } from 'kafkajs';

/** A kafkajs client with quiet logging (our own logs say what matters) and bounded retries. */
export function createKafka(brokers: string[], clientId: string, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5000 },
    ...extra,
  });
}

/** Kafka headers carried by every message: type, version, correlation and causation ids (see contracts Headers). */
export function envelopeHeaders(env: Envelope): Record<string, string> {
  const h: Record<string, string> = {
    [Headers.type]: env.type,
    [Headers.version]: String(env.version),
    [Headers.correlationId]: env.correlationId,
  };
  if (env.causationId) h[Headers.causationId] = env.causationId;
  return h;
}

/** kafkajs headers as plain strings (kafkajs gives Buffers). */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}
