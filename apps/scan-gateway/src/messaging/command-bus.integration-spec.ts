// The order answered 202 and never decided after an Apache Kafka restart: a PlaceOrder whose produce answer was lost
// (the broker stopping) failed with 503, and the next command of its partition took over its sequence numbers; the
// broker acknowledged that one as a duplicate without writing it. Every command the bus acknowledges must be on the topic.
import { OrderingCommandTypes, PlaceOrder } from '@coupons/contracts';
import { ensureTopics } from '@coupons/messaging';
import { MetricsService } from '@coupons/service-kit';
import { ConnectionFaults, RunningBroker, faultyKafka, readEnvelopes, testBroker } from '@coupons/testing';
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';

jest.setTimeout(60_000);

let broker: RunningBroker;

beforeAll(async () => {
  broker = await testBroker({ autoCreateTopics: false });
});

afterAll(async () => {
  await broker?.stop();
});

it('every command published after a lost produce answer is on the topic', async () => {
  const faults = await ConnectionFaults.create();
  const kafka = faultyKafka(broker.brokers, faults, 'command-bus-test');
  const topic = `ordering.commands.lost-answer-${randomUUID().slice(0, 8)}`;
  await ensureTopics(kafka, [topic], 1);
  const env = Object.assign(new GatewayEnv(), { REQUEST_TIMEOUT_MS: 20_000 });
  // publish() needs neither outcomes nor queries.
  const bus = new CommandBus(kafka, {} as OutcomeListener, {} as QueryClient, env, new MetricsService({ serviceName: 'scan-gateway', checks: [] }));
  const place = (orderId: string) => {
    const payload: PlaceOrder = { orderId, userId: 'u-1', storeId: 's-1', items: [{ sku: 'milk', quantity: 1 }], requestedAt: new Date().toISOString() };
    return bus.publish({ topic, type: OrderingCommandTypes.placeOrder, key: 'u-1', payload, correlationId: randomUUID() });
  };
  try {
    await place('ord_before');
    faults.loseNextProduceAnswer();
    await expect(place('ord_lost_answer')).rejects.toMatchObject({ status: 503 });
    faults.down = false;
    await place('ord_after');

    const orders = (await readEnvelopes(new Kafka({ clientId: 'reader', brokers: [broker.brokers], logLevel: logLevel.NOTHING }), [topic]))
      .map((e) => (e.payload as PlaceOrder).orderId);
    // The one whose answer was lost was written all the same (the terminal retries it; ordering dedupes by command id).
    expect(orders).toEqual(['ord_before', 'ord_lost_answer', 'ord_after']);
  } finally {
    await bus.onApplicationShutdown();
  }
});
