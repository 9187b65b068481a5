import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { envelopeHeaders } from '@coupons/messaging';
import { MetricsService } from '@coupons/service-kit';
import type { Counter, Histogram } from 'prom-client';
import { Envelope, PayloadClasses, conformsTo, decodeMessage, describeValidationErrors, envelope, isEnvelope } from '@coupons/contracts';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { Kafka, Message, Partitioners, Producer } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { KAFKA } from './kafka';
import { ObservedEvent, OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';

export interface CommandSpec<T extends object> {
  topic: string;
  type: string;
  /** Kafka key: the aggregate that serializes the decision (storeId, sku, couponId, userId). */
  key: string;
  payload: T;
  correlationId: string;
  /** Deterministic id for an Idempotency-Key request; random otherwise. */
  commandId?: string;
  /**
   * For a deterministic command id: the service's commandOutcome query pattern. A repeated command is not decided
   * again (no new event), so its first outcome is asked for before publishing and once more after a timeout.
   */
  outcomeQuery?: { pattern: string; topic: string };
}

export interface CommandResult<T extends object> {
  command: Envelope<T>;
  /** The outcome event (causationId = command id), or null when none arrived within the timeout. */
  outcome: ObservedEvent | null;
}

/** Commands per produce request at most (the queue's backlog goes in the requests after). */
const MAX_MESSAGES_PER_REQUEST = 500;

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}

/**
 * Publishes commands (contracts envelope, headers x-type/x-version/x-correlation-id) with an idempotent producer and
 * waits for their outcome through the OutcomeListener.
 */
@Injectable()
export class CommandBus implements OnApplicationShutdown {
  private readonly logger = new Logger(CommandBus.name);
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;
  private readonly outgoing: Array<{ topic: string; message: Message; resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushing = false;

  private readonly outcomesCounter: Counter<'command' | 'outcome'>;
  private readonly outcomeSeconds: Histogram<'command'>;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly outcomes: OutcomeListener,
    private readonly queries: QueryClient,
    private readonly env: GatewayEnv,
    metrics: MetricsService,
  ) {
    this.outcomesCounter = metrics.counter('gateway_command_outcomes_total', 'Commands by type and the outcome event that answered them (TIMEOUT: none in time)', ['command', 'outcome']);
    this.outcomeSeconds = metrics.histogram('gateway_command_outcome_seconds', 'From publishing a command to its outcome event', ['command'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Java-compatible murmur2: the same key lands on the same partition whichever client produced it.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = null;
      });
      try {
        await producer.connect();
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        throw err;
      }
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** Connects the producer ahead of the first request (start-up); failures are retried on use. */
  async warmUp(): Promise<void> {
    await this.connectedProducer();
  }

  /**
   * Queues a message for the next produce request. One request is in flight at a time (idempotent producer, in
   * order); the messages queued meanwhile all go in the next one, so concurrent commands share a round trip to the
   * broker instead of waiting for each other's. kafkajs has no linger/batching of separate send() calls.
   */
  private produce(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outgoing.push({ topic, message, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.outgoing.length) {
        const sending = this.outgoing.splice(0, MAX_MESSAGES_PER_REQUEST);
        let producer: Producer | undefined;
        try {
          const byTopic = new Map<string, Message[]>();
          for (const o of sending) {
            const list = byTopic.get(o.topic);
            if (list) list.push(o.message);
            else byTopic.set(o.topic, [o.message]);
          }
          producer = await this.connectedProducer();
          await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
          sending.forEach((o) => o.resolve());
        } catch (err) {
          sending.forEach((o) => o.reject(err));
          // A failed batch may still have been written (its answer was lost). kafkajs then gives the next batch the
          // same sequence numbers, and the broker acknowledges it as a duplicate without writing it: commands
          // answered 202 were lost on a partition leader's kill -9. A fresh producer id starts a new sequence.
          if (producer && this.producer === producer) {
            this.producer = null;
            void producer.disconnect().catch(() => undefined);
          }
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Publishes one command; resolves once the broker has acknowledged it (acks=all). */
  async publish<T extends object>(spec: CommandSpec<T>): Promise<Envelope<T>> {
    this.assertValid(spec.type, spec.payload);
    const env = envelope(spec.type, spec.payload, { aggregateId: spec.key, correlationId: spec.correlationId, eventId: spec.commandId });
    try {
      await withTimeout(
        this.produce(spec.topic, { key: spec.key, value: JSON.stringify(env), headers: envelopeHeaders(env) }),
        this.env.REQUEST_TIMEOUT_MS,
        'timed out publishing the command',
      );
    } catch (err) {
      this.logger.error(`cannot publish ${spec.type} ${env.eventId} to ${spec.topic}: ${(err as Error).message}`);
      throw ApiError.unavailable('the message broker is unavailable; try again');
    }
    return env;
  }

  /**
   * Publishes a command and waits (up to REQUEST_TIMEOUT_MS) for the event it caused. The waiter is registered
   * before publishing, so an outcome can't slip past; a command repeated on this instance is answered from the
   * outcome it already had.
   */
  async execute<T extends object>(spec: CommandSpec<T>): Promise<CommandResult<T>> {
    try {
      await this.outcomes.whenReady(this.env.REQUEST_TIMEOUT_MS);
    } catch {
      throw ApiError.unavailable('the gateway is not yet consuming outcome events; try again');
    }
    const commandId = spec.commandId;
    if (commandId) {
      const known = this.outcomes.recentOutcome(commandId);
      if (known) return { command: envelope(spec.type, spec.payload, { aggregateId: spec.key, correlationId: spec.correlationId, eventId: commandId }), outcome: known };
    }
    const id = commandId ?? randomUUID();
    const waiting = this.outcomes.expect(id, this.env.REQUEST_TIMEOUT_MS);
    // A repeated id (Idempotency-Key) may have been decided long ago: its stored outcome is asked for while the command
    // is published, not before, so a first request (the usual case) does not pay a query round trip before its
    // command even leaves. A command decided before is not decided again (the service sees a duplicate and says
    // nothing); one decided meanwhile answers through the listener like any other.
    const stored = commandId ? this.askOutcome(commandId, spec) : Promise.resolve(null);
    let command: Envelope<T>;
    try {
      command = await this.publish({ ...spec, commandId: id });
    } catch (err) {
      waiting.cancel();
      throw err;
    }
    const started = Date.now();
    const first = await new Promise<ObservedEvent | null>((resolve) => {
      void waiting.promise.then(resolve);
      void stored.then((known) => known && resolve(known));
    });
    waiting.cancel();
    // Silence for a repeated id may mean a concurrent twin was decided first: its outcome is stored.
    const outcome = first ?? (commandId ? await this.askOutcome(commandId, spec) : null);
    this.outcomesCounter.inc({ command: spec.type, outcome: outcome?.envelope.type ?? 'TIMEOUT' });
    if (outcome) this.outcomeSeconds.observe({ command: spec.type }, (Date.now() - started) / 1000);
    else this.logger.warn(`no outcome for ${spec.type} ${id} within ${this.env.REQUEST_TIMEOUT_MS} ms (correlation ${spec.correlationId})`);
    return { command, outcome };
  }

  /** The stored outcome of an already-decided command, or null (unknown, or the service can't say right now). */
  private async askOutcome(commandId: string, spec: CommandSpec<object>): Promise<ObservedEvent | null> {
    if (!spec.outcomeQuery) return null;
    try {
      const reply = await this.queries.query<unknown>(spec.outcomeQuery.pattern, { commandId }, spec.correlationId);
      if (!reply.ok || typeof reply.value !== 'object' || reply.value === null) return null;
      // The stored outcome: the event envelope itself, or {envelope, partition?, offset?} with its position.
      const value = reply.value as { envelope?: unknown; partition?: unknown; offset?: unknown; topic?: unknown };
      const decoded = decodeMessage((isEnvelope(value) ? value : value.envelope ?? null) as object | null);
      if (!decoded.ok || decoded.envelope.causationId !== commandId) return null;
      const event: ObservedEvent = { envelope: decoded.envelope, topic: spec.outcomeQuery.topic, partition: -1, offset: '-1' };
      if (typeof value.partition === 'number' && typeof value.offset === 'string') {
        event.partition = value.partition;
        event.offset = value.offset;
      }
      return event;
    } catch {
      return null;
    }
  }

  /** A command the gateway builds must satisfy its contract; a failure here is a gateway bug, not client input. */
  private assertValid(type: string, payload: object): void {
    const cls = PayloadClasses[type];
    if (!cls) throw new Error(`no payload class for command ${type}`);
    const plain = JSON.parse(JSON.stringify(payload));
    // The check consumers make on decoding: one pass over the payload, with class-validator's full run (and its
    // messages) only for a payload it can't vouch for.
    if (conformsTo(cls, plain)) return;
    const errors = validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new Error(`invalid ${type} command: ${describeValidationErrors(errors).join('; ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }
}
