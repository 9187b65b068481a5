// Baseline for the claim and order figures: the responder half of a raw kafkajs request/reply round trip, in a process
// of its own as the services are. It consumes requests and produces each reply (same key and value) to the reply topic,
// the plain kafkajs way: eachMessage, one awaited send per reply, partitions consumed concurrently.
//
// With a database URL it is the durable variant (the least a decision that must survive a crash can do): each fetched
// batch of requests is recorded in PostgreSQL, one multi-row insert in one transaction committed with the WAL flushed,
// before the batch's replies are sent in one request. No validation, no state read, no outbox, no other consumer.
// argv: <brokers> <request topic> <reply topic> [<database url>]. Prints `ready` once its consumer has joined.
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const [brokers, requests, replies, databaseUrl] = process.argv.slice(2);
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-echo', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `bench-echo-${process.pid}`, maxWaitTimeInMs: 200 });
  const pool = databaseUrl ? new Pool({ connectionString: databaseUrl, max: 3 }) : undefined;
  const table = `bench_echo_${process.pid}`;
  if (pool) await pool.query(`CREATE TABLE ${table} (id text PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now())`);
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: requests, fromBeginning: false });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  if (pool) {
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        const ids = batch.messages.map((m) => m.value!.toString());
        await pool.query(`INSERT INTO ${table} (id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [ids]);
        await producer.send({ topic: replies, acks: -1, messages: batch.messages.map((m) => ({ key: m.key, value: m.value })) });
      },
    });
  } else {
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        await producer.send({ topic: replies, acks: -1, messages: [{ key: message.key, value: message.value }] });
      },
    });
  }
  const stop = async () => {
    await Promise.all([consumer.disconnect(), producer.disconnect()]).catch(() => undefined);
    if (pool) await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
    await pool?.end();
  };
  process.once('SIGTERM', () => void stop().finally(() => process.exit(0)));
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
