import { Kafka, Producer, ProducerBatch, ProducerConfig, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * An idempotent kafkajs producer (one request in flight) that starts again with a new producer id after any failed
 * send. kafkajs hands a partition's sequence numbers back when a produce request gets no answer, and gives them to
 * the next batch. If the unanswered request was written all the same (a broker stopping, a connection cut between the
 * write and the answer), the broker takes that next, different batch for a retry of it and acknowledges it without
 * writing it: an acknowledged message lost. A new producer id has no sequence the broker could mistake.
 */
export class IdempotentProducer {
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(private readonly kafka: Kafka, private readonly config: Omit<ProducerConfig, 'idempotent' | 'maxInFlightRequests'> = {}) {}

  /** Connects ahead of the first send (start-up); a failure is retried on the next send. */
  async connect(): Promise<void> {
    await this.connected();
  }

  async send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.using((p) => p.send(record));
  }

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.using((p) => p.sendBatch(batch));
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => undefined);
  }

  private async using(send: (p: Producer) => Promise<RecordMetadata[]>): Promise<RecordMetadata[]> {
    const producer = await this.connected();
    try {
      return await send(producer);
    } catch (err) {
      // Whether the failed request was written is unknown: its sequence numbers must never carry other messages.
      if (this.producer === producer) this.producer = null;
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ ...this.config, idempotent: true, maxInFlightRequests: 1 });
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
}
