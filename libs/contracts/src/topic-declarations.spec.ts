import { Queries, Topics } from './topics';
import { TOPIC_DECLARATIONS, topicDeclaration } from './topic-declarations';

describe('topic declarations', () => {
  const names = TOPIC_DECLARATIONS.map((d) => d.name);

  it('declare every topic and every query pattern with its reply topic, once', () => {
    const queries = [Queries.getCoupon, Queries.getWallet, Queries.getOrder, Queries.listOrders, Queries.listStores, Queries.listProducts, Queries.listCoupons,
      ...Object.values(Queries.commandOutcome)];
    expect([...names].sort()).toEqual([...Object.values(Topics), ...queries, ...queries.map((q) => `${q}.reply`)].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('keep every event for good and never compact it; everything else is finite', () => {
    for (const d of TOPIC_DECLARATIONS) {
      expect(d.configs['cleanup.policy']).toBe('delete');
      if (d.name.endsWith('.events.v1')) expect(d).toMatchObject({ kind: 'events', configs: { 'retention.ms': '-1', 'retention.bytes': '-1' } });
      else expect(Number(d.configs['retention.ms'])).toBeGreaterThan(0);
    }
  });

  it.each([
    ['orders.events.v2', 'events'],
    ['orders.commands.v3', 'commands'],
    ['orders.get.v1.reply', 'replies'],
    ['relay.order.1234', 'undeclared'],
  ])('read an undeclared name by its shape: %s is %s', (name, kind) => {
    const sut = topicDeclaration(name, 1);
    expect(sut).toMatchObject({ name, kind, partitions: 1 });
  });

  it('keep a declared topic as declared, with the partitions asked for', () => {
    expect(topicDeclaration(Topics.walletEvents, 1)).toMatchObject({ kind: 'events', partitions: 1 });
    expect(topicDeclaration(Topics.deadLetter).kind).toBe('dead-letter');
  });
});
