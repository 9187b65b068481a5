import { Topics, envelope } from '@coupons/contracts';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { gatewayEventReader } from './event-reader';
import { ObservedEvent, OutcomeListener } from './outcome-listener';

function event(causationId: string | null, offset = '0'): ObservedEvent {
  return {
    envelope: envelope('StoreUpserted', { storeId: 's1', name: 'S' }, { aggregateId: 's1', correlationId: 'c', causationId }),
    topic: Topics.catalogEvents,
    partition: 0,
    offset,
  };
}

describe('OutcomeListener (dispatch, without a broker)', () => {
  let sut: OutcomeListener;
  beforeEach(() => {
    const env = Object.assign(new GatewayEnv(), { INSTANCE_ID: 'test', KAFKA_BROKERS: ['x:1'] });
    sut = new OutcomeListener(gatewayEventReader({} as Kafka, env));
  });

  it('resolves the waiter whose command caused the event', async () => {
    const other = sut.expect('cmd-2', 1000);
    const waiting = sut.expect('cmd-1', 1000);
    const e = event('cmd-1', '7');
    sut.dispatch(e);
    await expect(waiting.promise).resolves.toBe(e);
    expect(sut.pendingCount()).toBe(1);
    other.cancel();
    await expect(other.promise).resolves.toBeNull();
    expect(sut.pendingCount()).toBe(0);
  });

  it('resolves every waiter of the same command (concurrent repeats)', async () => {
    const a = sut.expect('cmd-1', 1000);
    const b = sut.expect('cmd-1', 1000);
    sut.dispatch(event('cmd-1'));
    expect((await a.promise)?.offset).toBe('0');
    expect((await b.promise)?.offset).toBe('0');
  });

  it('gives null after the timeout and forgets the waiter', async () => {
    const waiting = sut.expect('cmd-late', 20);
    await expect(waiting.promise).resolves.toBeNull();
    expect(sut.pendingCount()).toBe(0);
    sut.dispatch(event('cmd-late'));
  });

  it('remembers recent outcomes for repeats on this instance', () => {
    sut.dispatch(event('cmd-9', '3'));
    expect(sut.recentOutcome('cmd-9')?.offset).toBe('3');
    expect(sut.recentOutcome('cmd-unknown')).toBeUndefined();
  });

  it('hands every event to subscribers, caused by a waiting request or not', () => {
    const seen: string[] = [];
    const sub = sut.events.subscribe((e) => seen.push(`${e.envelope.causationId}@${e.offset}`));
    sut.expect('cmd-1', 1000);
    sut.dispatch(event('cmd-1', '1'));
    sut.dispatch(event(null, '2'));
    sub.unsubscribe();
    expect(seen).toEqual(['cmd-1@1', 'null@2']);
  });

  it('is not ready before it has joined its group', async () => {
    expect(sut.isReady()).toBe(false);
    await expect(sut.whenReady(10)).rejects.toThrow(/not ready/);
  });

  it("reads through a tail reader whose consumer group is this process's own", () => {
    const env = Object.assign(new GatewayEnv(), { INSTANCE_ID: 'test', KAFKA_BROKERS: ['x:1'] });
    const one = gatewayEventReader({} as Kafka, env);
    const other = gatewayEventReader({} as Kafka, env);
    expect(one.groupId).toMatch(/^scan-gateway-test-[0-9a-f]{8}$/);
    expect(other.groupId).not.toBe(one.groupId);
  });
});
