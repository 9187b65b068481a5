// Durability and scale (DESIGN invariants 6 and 7, issue 5): a steady stream of claims and orders from 50 users
// through two gateways, two wallets and two orderings in one consumer group each, while every process is SIGKILLed in
// turn at a random moment (the outbox relay runs inside each database service, so it dies with it) and restarted.
// Afterwards every 2xx is reflected exactly once in every projection, no coupon is over-issued or spent twice, and
// `replay --verify` finds every service's projection equal to a rebuild from the topics.
import { RunningStack, ServiceName, startStack } from '@coupons/testing';
import {
  Attempt, PRODUCTS, STORE, checkInvariants, consumedByTopic, openStream, runLoad, setUpWorld, sleep, tally, verifyEveryService, waitUntil,
  waitUntilSettled, World,
} from './support/durability';
import { Api } from './support/http';

const LOAD_ENV = { REQUEST_TIMEOUT_MS: '5000' };

describe('durability: SIGKILL of every process under a steady stream of claims and orders', () => {
  let stack: RunningStack;
  let world: World;

  beforeAll(async () => {
    stack = await startStack({ instances: { wallet: 2, ordering: 2, 'scan-gateway': 2 }, env: LOAD_ENV });
    world = await setUpWorld(stack, 50);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('loses and duplicates no acknowledged claim or order, splits partitions between instances, and replays to equal projections', async () => {
    const gateways = stack.processes.filter((p) => p.service === 'scan-gateway');
    let stop = false;
    const started = Date.now();
    const load = runLoad({
      // Only gateways that are up take new requests (a terminal's load balancer would do the same).
      gateways: () => {
        const up = gateways.filter((g) => g.running).map((g) => g.url);
        return up.length ? up : gateways.map((g) => g.url);
      },
      world,
      workers: 3,
      thinkMs: 50,
      shouldStop: () => stop,
    });

    // Both instances of wallet and of ordering take part: each folds or decides messages of its own partitions.
    await sleep(4_000);
    for (const s of ['wallet', 'ordering'] as const) {
      for (const i of [0, 1]) {
        const consumed = await consumedByTopic(stack.proc(s, i).url);
        expect(Object.values(consumed).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      }
    }

    // Every process killed at a random moment, one every 1.5-4 s, and started again 0-1.5 s later without waiting for
    // the last one to be healthy: a restarted member rejoins its group only once the killed one's session expires, so
    // for a while the surviving instance holds every partition, and several services are down or rejoining at once.
    const victims: Array<[ServiceName, number]> = [
      ['wallet', 0], ['ordering', 1], ['coupon-catalog', 0], ['scan-gateway', 1], ['wallet', 1], ['ordering', 0], ['scan-gateway', 0],
    ];
    const kills: string[] = [];
    const restarts: Array<Promise<void>> = [];
    for (const [service, instance] of victims) {
      await sleep(1_500 + Math.floor(Math.random() * 2_500));
      const p = stack.proc(service, instance);
      await p.kill('SIGKILL');
      kills.push(`${p.label}@${((Date.now() - started) / 1000).toFixed(1)}s`);
      restarts.push(sleep(Math.floor(Math.random() * 1_500)).then(() => {
        p.start();
        return p.waitHealthy(90_000);
      }));
    }
    await Promise.all(restarts);
    // Work goes on with everything back.
    await sleep(3_000);
    stop = true;
    const attempts: Attempt[] = await load;
    const seconds = (Date.now() - started) / 1000;

    const counts = tally(attempts);
    console.log(`durability: ${attempts.length} requests in ${seconds.toFixed(0)} s, kills ${kills.join(', ')}; ${JSON.stringify(counts)}`);
    // The stream got through: most requests were answered, and no answer was a 500 left unretried.
    expect(attempts.filter((a) => [200, 201, 202, 409, 422].includes(a.status)).length).toBeGreaterThan(attempts.length * 0.9);
    expect(attempts.filter((a) => a.kind === 'claim' && a.status === 201).length).toBeGreaterThan(20);
    expect(attempts.filter((a) => a.kind === 'order' && a.status === 201).length).toBeGreaterThan(20);

    await waitUntilSettled(stack.databaseUrl, attempts);
    const totals = await checkInvariants(stack.databaseUrl, attempts);
    console.log(`durability: settled, ${JSON.stringify(totals)}`);

    const verify = await verifyEveryService(stack);
    console.log(`durability: replay --verify\n  ${verify.join('\n  ')}`);

    // Request/reply and notifications across two gateways, and with one of them stopped: a stream held by the second
    // gateway gets the outcome of an order taken by the first, then of one taken by itself once the first is gone.
    const [first, second] = gateways;
    const user = world.users[0];
    const stream = await openStream(second.url, user.token);
    try {
      const order = { storeId: STORE, items: [{ sku: PRODUCTS[0].sku, quantity: 1 }] };
      const viaFirst = await new Api(first.url, user.token).post('/v1/orders', order);
      expect(viaFirst.status).toBe(201);
      await waitUntil(() => stream.events.some((e) => e.event === 'order.processed' && e.data.orderId === viaFirst.body.orderId), 'the notification of the first order');
      await first.kill('SIGTERM');
      const viaSecond = await new Api(second.url, user.token).post('/v1/orders', order);
      expect(viaSecond.status).toBe(201);
      await waitUntil(() => stream.events.some((e) => e.event === 'order.processed' && e.data.orderId === viaSecond.body.orderId), 'the notification of the second order');
      const mine = await new Api(second.url, user.token).get(`/v1/orders/${viaFirst.body.orderId}`);
      expect(mine.status).toBe(200);
      expect(mine.body.orderId).toBe(viaFirst.body.orderId);
      expect((await new Api(second.url, user.token).get('/v1/wallet')).status).toBe(200);
    } finally {
      stream.close();
    }
  }, 420_000);
});
