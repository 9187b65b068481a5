import { Topics, WalletCommandTypes } from '@coupons/contracts';
import { MetricsService } from '@coupons/service-kit';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';

/** A producer whose batches fail or succeed as told, recording what it was asked to send. */
function fakeProducer(fails: boolean) {
  return {
    sent: [] as unknown[],
    disconnected: false,
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    connect: async () => undefined,
    async disconnect() { this.disconnected = true; },
    async sendBatch(batch: unknown) {
      if (fails) throw new Error('Request Produce(key: 0) timed out');
      this.sent.push(batch);
    },
  };
}

const claim = (n: number) => ({
  topic: Topics.walletCommands,
  type: WalletCommandTypes.claimCoupon,
  key: 'cpn_1',
  payload: { claimId: `clm_${n}`, couponId: 'cpn_1', userId: 'u1', requestedAt: new Date().toISOString() },
  correlationId: `corr-${n}`,
});

describe('CommandBus', () => {
  // kafkajs rolls an idempotent producer's sequence back when a produce request fails, even one the broker wrote
  // (answer lost): the next, different batch then reuses those sequence numbers and the broker acknowledges it as a
  // duplicate without writing it. Found on a 3-broker cluster (commands answered 202, never on the topic).
  it('publishes the batch after a failed one with a fresh producer (new producer id), not the failed one', async () => {
    const producers = [fakeProducer(true), fakeProducer(false)];
    let made = 0;
    const kafka = { producer: () => producers[made++] } as unknown as Kafka;
    const metrics = { counter: () => ({ inc: () => undefined }), histogram: () => ({ observe: () => undefined }) } as unknown as MetricsService;
    const bus = new CommandBus(kafka, {} as OutcomeListener, {} as QueryClient, { REQUEST_TIMEOUT_MS: 1_000 } as GatewayEnv, metrics);

    await expect(bus.publish(claim(1))).rejects.toThrow(/broker is unavailable/);
    await bus.publish(claim(2));

    expect(made).toBe(2);
    expect(producers[0].disconnected).toBe(true);
    expect(producers[1].sent).toHaveLength(1);
  });
});
