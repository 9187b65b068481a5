// The tail reader's restart after kafkajs gives up on its consumer (a crash it will not restart itself), with a fake
// kafkajs client: such crashes are hard to provoke on a real broker at will.
import { Kafka, KafkaMessage } from 'kafkajs';
import { TailReader } from './tail-reader';
import { storeEvent } from './test/harness';

type Handler = (e: { payload: any }) => void;

/** A kafkajs consumer as far as the reader uses it: events, seeks, and a run whose eachBatch the test drives. */
class FakeConsumer {
  readonly events = { GROUP_JOIN: 'join', REBALANCING: 'rebalancing', DISCONNECT: 'disconnect', CRASH: 'crash' };
  readonly handlers = new Map<string, Handler>();
  readonly seeks: Array<{ topic: string; partition: number; offset: string }> = [];
  eachBatch?: (p: { batch: { topic: string; partition: number; messages: KafkaMessage[] }; heartbeat: () => Promise<void> }) => Promise<void>;
  on(event: string, fn: Handler) {
    this.handlers.set(event, fn);
  }
  emit(event: string, payload: unknown) {
    this.handlers.get(event)?.({ payload });
  }
  async connect() {}
  async subscribe() {}
  async disconnect() {}
  async run(o: { eachBatch: FakeConsumer['eachBatch'] }) {
    this.eachBatch = o.eachBatch;
  }
  seek(s: { topic: string; partition: number; offset: string }) {
    this.seeks.push(s);
  }
  deliver(topic: string, offsets: number[]) {
    const messages = offsets.map((o) => ({ offset: String(o), value: Buffer.from(JSON.stringify(storeEvent('k', `m${o}`))) }) as KafkaMessage);
    return this.eachBatch!({ batch: { topic, partition: 0, messages }, heartbeat: async () => undefined });
  }
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error('timed out');
};

it('replaces a consumer kafkajs gives up on, resuming at the next offset not handed out, without repeats', async () => {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets: async () => [{ partition: 0, offset: '5', high: '5', low: '0' }] }),
    consumer: () => {
      const c = new FakeConsumer();
      consumers.push(c);
      return c;
    },
  } as unknown as Kafka;
  const reader = new TailReader({ kafka, groupId: 'g', topics: { t: 'end' } });
  const seen: string[] = [];
  reader.subscribe((_t, _p, ms) => ms.forEach((m) => seen.push(m.offset)));
  reader.start();
  await until(() => !!consumers[0]?.eachBatch);

  consumers[0].emit('join', { memberAssignment: { t: [0] } });
  expect(consumers[0].seeks).toEqual([{ topic: 't', partition: 0, offset: '5' }]); // the end found at start
  expect(reader.isCaughtUp()).toBe(true);
  await consumers[0].deliver('t', [5, 6]);

  consumers[0].emit('crash', { error: new Error('The coordinator is not aware of this member'), restart: false });
  expect(reader.isReady()).toBe(false);
  await until(() => !!consumers[1]?.eachBatch);
  consumers[1].emit('join', { memberAssignment: { t: [0] } });
  expect(consumers[1].seeks).toEqual([{ topic: 't', partition: 0, offset: '7' }]);
  expect(reader.isReady()).toBe(true);
  // A batch fetched again from before the position is not handed out twice.
  await consumers[1].deliver('t', [6, 7]);
  expect(seen).toEqual(['5', '6', '7']);
  await reader.stop();
});
