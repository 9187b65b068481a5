import { QueryReply, describeValidationErrors } from '@coupons/contracts';
import { KafkaOptions, Transport } from '@nestjs/microservices';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { logLevel } from 'kafkajs';

/** The request topics of query patterns and the reply topics ClientKafka expects (`<pattern>.reply`). */
export function queryTopics(patterns: string[]): string[] {
  return patterns.flatMap((p) => [p, `${p}.reply`]);
}

/**
 * Options for the NestJS Kafka transport that answers a service's @MessagePattern queries (request/reply with the
 * gateway's ClientKafka.send). The group id is used as is (postfixId ''), so every instance of the service shares
 * `<service>-queries` and each query is answered once. Queries change nothing, so auto-commit is fine here.
 */
export function kafkaQueryServerOptions(o: { serviceName: string; brokers: string[]; instanceId: string }): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: { clientId: `${o.serviceName}-queries-${o.instanceId}`, brokers: o.brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId: `${o.serviceName}-queries`, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: false },
      run: { partitionsConsumedConcurrently: 3 },
      // Replies too go idempotent with acks=all, as every producer of the platform does.
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
    },
  };
}

/**
 * Validates a query payload with its contracts class; returns the instance, or an INVALID_QUERY reply to send back
 * instead of throwing (a thrown error would leave the caller waiting for its timeout).
 */
export function parseQuery<T extends object>(cls: ClassConstructor<T>, data: unknown): { ok: true; query: T } | { ok: false; reply: QueryReply<never> } {
  if (typeof data !== 'object' || data === null) return { ok: false, reply: { ok: false, code: 'INVALID_QUERY', message: 'query must be an object' } };
  const query = plainToInstance(cls, data);
  const errors = validateSync(query, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) return { ok: false, reply: { ok: false, code: 'INVALID_QUERY', message: describeValidationErrors(errors).join('; ') } };
  return { ok: true, query };
}

/**
 * Wraps a QueryReply for a @MessagePattern handler's return. Nest's Kafka serializer treats a returned object that
 * has a `value` (or `key`) property as a Kafka message and sends only its `value`, which would strip `{ok, value}`
 * down to the bare value; wrapping keeps the whole reply on the wire.
 */
export function kafkaReply<T>(reply: QueryReply<T>): { value: QueryReply<T> } {
  return { value: reply };
}

/** Runs a query handler body, turning an unexpected error into an INTERNAL reply instead of a caller timeout. */
export async function answerQuery<T>(fn: () => Promise<QueryReply<T>>, onError?: (err: unknown) => void): Promise<{ value: QueryReply<T> }> {
  try {
    return kafkaReply(await fn());
  } catch (err) {
    onError?.(err);
    return kafkaReply({ ok: false, code: 'INTERNAL', message: 'the query failed' });
  }
}
