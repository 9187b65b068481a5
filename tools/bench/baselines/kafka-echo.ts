// Baseline for the claim and order figures: the responder half of a raw kafkajs request/reply round trip, in a process
// of its own as the services are. It consumes requests and produces each reply (same key and value) to the reply topic,
// the plain kafkajs way: eachMessage, one awaited send per reply, partitions consumed concurrently.
// argv: <brokers> <request topic> <reply topic>. Prints `ready` once its consumer has joined.
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  const [brokers, requests, replies] = process.argv.slice(2);
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-echo', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `bench-echo-${process.pid}`, maxWaitTimeInMs: 200 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic: requests, fromBeginning: false });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachMessage: async ({ message }) => {
      await producer.send({ topic: replies, acks: -1, messages: [{ key: message.key, value: message.value }] });
    },
  });
  process.once('SIGTERM', () => void Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => process.exit(0)));
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
