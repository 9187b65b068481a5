import { Envelope, Headers, decodeMessage } from '@coupons/contracts';
import { Consumer, IHeaders, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';

/** A command a fake service received, with where it was read. */
export interface ReceivedCommand {
  envelope: Envelope<any>;
  key: string | null;
  headers: Record<string, string>;
  partition: number;
}

/** A query a fake service answered. */
export interface ReceivedQuery {
  pattern: string;
  payload: any;
  headers: Record<string, string>;
}

export interface FakeServiceSpec {
  name: string;
  commandsTopic: string;
  eventsTopic: string;
  queryPatterns: string[];
  /** The outcome event of a command, or null to stay silent. */
  decide(cmd: Envelope<any>): Envelope<unknown> | null;
  /** The reply to a query, as it goes on the wire. */
  answer(pattern: string, payload: any, outcomes: Map<string, Envelope<unknown>>): unknown;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));
}

function joined(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}

/**
 * Stands in for a service in the gateway's integration test, over the real broker with plain kafkajs: consumes its
 * commands topic and publishes the outcome event (causationId = command id) to its events topic, deciding a repeated
 * command id once (as the real services do), and answers request/reply queries the way a NestJS @MessagePattern
 * handler does (reply topic, partition and correlation id from the request headers).
 */
export class FakeService {
  readonly commands: ReceivedCommand[] = [];
  readonly queries: ReceivedQuery[] = [];
  /** Outcome per command id, for the commandOutcome query. */
  readonly outcomes = new Map<string, Envelope<unknown>>();
  /** When set, commands are consumed but not answered (to see the gateway's timeout). */
  silent = false;
  private readonly kafka: Kafka;
  private producer!: Producer;
  private consumers: Consumer[] = [];

  constructor(brokers: string, private readonly spec: FakeServiceSpec) {
    this.kafka = new Kafka({ clientId: `fake-${spec.name}`, brokers: [brokers], logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const commands = this.kafka.consumer({ groupId: `fake-${this.spec.name}`, maxWaitTimeInMs: 100 });
    const commandsJoined = joined(commands);
    await commands.connect();
    await commands.subscribe({ topic: this.spec.commandsTopic, fromBeginning: true });
    await commands.run({
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeMessage(message.value);
        if (!decoded.ok) throw new Error(`fake ${this.spec.name} got an invalid command: ${decoded.reason}`);
        const cmd = decoded.envelope;
        this.commands.push({ envelope: cmd, key: message.key?.toString() ?? null, headers: headerStrings(message.headers), partition });
        if (this.silent || this.outcomes.has(cmd.eventId)) return;
        const outcome = this.spec.decide(cmd);
        if (!outcome) return;
        this.outcomes.set(cmd.eventId, outcome);
        await this.publish(outcome);
      },
    });
    const queries = this.kafka.consumer({ groupId: `fake-${this.spec.name}-queries`, maxWaitTimeInMs: 100 });
    const queriesJoined = joined(queries);
    await queries.connect();
    await queries.subscribe({ topics: this.spec.queryPatterns, fromBeginning: true });
    await queries.run({
      eachMessage: async ({ topic, message }) => {
        const headers = headerStrings(message.headers);
        const payload = JSON.parse(message.value!.toString('utf8'));
        this.queries.push({ pattern: topic, payload, headers });
        const reply = this.spec.answer(topic, payload, this.outcomes);
        await this.producer.send({
          topic: headers.kafka_replyTopic,
          messages: [{
            partition: Number(headers.kafka_replyPartition),
            value: JSON.stringify(reply),
            headers: { kafka_correlationId: headers.kafka_correlationId, 'kafka_nest-is-disposed': Buffer.alloc(1) },
          }],
        });
      },
    });
    this.consumers = [commands, queries];
    await Promise.all([commandsJoined, queriesJoined]);
  }

  /** Publishes an event as the service's outbox relay would. */
  async publish(event: Envelope<unknown>): Promise<void> {
    await this.producer.send({
      topic: this.spec.eventsTopic,
      messages: [{ key: event.aggregateId, value: JSON.stringify(event), headers: { [Headers.type]: event.type, [Headers.correlationId]: event.correlationId } }],
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer?.disconnect();
  }
}
