import { Topics } from '@coupons/contracts';
import { GatewayHarness, HttpOptions, startHarness } from '../test/gateway-harness';
import { openStream } from '../test/sse-client';

jest.setTimeout(60_000);

let h: GatewayHarness;
let alice: string;
let bob: string;
let merchant: string;
const http = (method: string, path: string, opts?: HttpOptions) => h.http(method, path, opts);

beforeAll(async () => {
  h = await startHarness({ REQUEST_TIMEOUT_MS: '2000' });
  alice = await h.token('u-alice');
  bob = await h.token('u-bob');
  merchant = await h.token('m-1', ['merchant']);
  await h.knownCoupons('cpn_a', 'cpn_b1', 'cpn_b2', 'cpn_b3', 'cpn_best', 'cpn_empty', 'cpn_h1', 'cpn_h2', 'cpn_idem', 'cpn_silent', 'cpn_sse', 'cpn_x2');
});

afterAll(async () => {
  await h?.stop();
});

describe('claims', () => {
  it('claims a coupon: ClaimCoupon keyed by couponId with the user from the token, 201 from CouponClaimed', async () => {
    const res = await http('POST', '/v1/claims', { body: { couponId: 'cpn_a' }, token: alice });
    expect(res).toMatchObject({ status: 201, body: { couponId: 'cpn_a', userId: 'u-alice', status: 'AVAILABLE', validUntil: null } });
    expect(Object.keys(res.body).sort()).toEqual(['claimId', 'claimedAt', 'couponId', 'status', 'userId', 'validUntil']);
    const cmd = h.wallet.commands.find((c) => c.envelope.payload.claimId === res.body.claimId)!;
    expect(cmd).toMatchObject({ key: 'cpn_a', envelope: { type: 'ClaimCoupon', payload: { userId: 'u-alice', couponId: 'cpn_a' } } });
  });

  it('answers a refusal with 409 and its code', async () => {
    expect(await http('POST', '/v1/claims', { body: { couponId: 'cpn_empty' }, token: alice })).toMatchObject({
      status: 409, body: { error: { code: 'OUT_OF_STOCK' } },
    });
  });

  it('answers 202 PENDING when the wallet does not decide in time', async () => {
    expect(await http('POST', '/v1/claims', { body: { couponId: 'cpn_silent' }, token: alice })).toMatchObject({
      status: 202, body: { couponId: 'cpn_silent', status: 'PENDING', claimId: expect.any(String) },
    });
  });

  it('returns the first response for a repeated Idempotency-Key, with one command id', async () => {
    const req = { body: { couponId: 'cpn_idem' }, token: alice, headers: { 'Idempotency-Key': 'claim-1' } };
    const first = await http('POST', '/v1/claims', req);
    const second = await http('POST', '/v1/claims', req);
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: first.body });
    const ids = new Set(h.wallet.commands.filter((c) => c.envelope.payload.couponId === 'cpn_idem').map((c) => c.envelope.eventId));
    expect(ids.size).toBe(1);
    // Another user's same key is another claim.
    const bobs = await http('POST', '/v1/claims', { ...req, token: bob });
    expect(bobs.body.claimId).not.toBe(first.body.claimId);
  });

  it('is for customers, with a valid body', async () => {
    expect((await http('POST', '/v1/claims', { body: { couponId: 'cpn_a' }, token: merchant })).status).toBe(403);
    expect((await http('POST', '/v1/claims', { body: { couponId: 'cpn_a' } })).status).toBe(401);
    const bad = await http('POST', '/v1/claims', { body: { couponId: 'a b', userId: 'u-bob' }, token: alice });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['couponId', 'userId']);
  });
});

describe('wallet', () => {
  it("lists only the caller's claims", async () => {
    const res = await http('GET', '/v1/wallet', { token: alice });
    expect(res.status).toBe(200);
    expect(res.body.coupons.map((c: { couponId: string }) => c.couponId)).toEqual(expect.arrayContaining(['cpn_a', 'cpn_idem']));
    expect(h.wallet.queries.at(-1)?.payload).toEqual({ userId: 'u-alice' });
  });
});

describe('orders', () => {
  let orderId: string;

  it('places an order keyed by the user, carrying the positions of the claims it must see', async () => {
    const res = await http('POST', '/v1/orders', { body: { storeId: 'store-1', items: [{ sku: 'sku-1', quantity: 2 }] }, token: alice });
    expect(res).toMatchObject({
      status: 201,
      body: { status: 'PROCESSED', storeId: 'store-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 100, lineTotal: 200 }], subtotal: 200, discount: 100, total: 100, currency: 'CNY' },
    });
    orderId = res.body.orderId;
    const cmd = h.ordering.commands.find((c) => c.envelope.payload.orderId === orderId)!;
    expect(cmd.key).toBe('u-alice');
    expect(cmd.envelope.payload).not.toHaveProperty('couponId');
    expect(cmd.envelope.payload.mustHaveSeen).toEqual(expect.arrayContaining([expect.objectContaining({ topic: Topics.walletEvents })]));
  });

  it('passes couponId null (no coupon) and a named coupon through as given', async () => {
    const none = await http('POST', '/v1/orders', { body: { storeId: 'store-1', items: [{ sku: 'sku-1', quantity: 1 }], couponId: null }, token: alice });
    expect(none).toMatchObject({ status: 201, body: { discount: 0, appliedCoupon: null } });
    expect(h.ordering.commands.at(-1)?.envelope.payload.couponId).toBeNull();
    await http('POST', '/v1/orders', { body: { storeId: 'store-1', items: [{ sku: 'sku-1', quantity: 1 }], couponId: 'cpn_a' }, token: alice });
    expect(h.ordering.commands.at(-1)?.envelope.payload.couponId).toBe('cpn_a');
  });

  it('maps an unknown store to 422 UNKNOWN_STORE', async () => {
    expect(await http('POST', '/v1/orders', { body: { storeId: 'ghost', items: [{ sku: 'sku-1', quantity: 1 }] }, token: alice })).toMatchObject({
      status: 422, body: { error: { code: 'UNKNOWN_STORE' } },
    });
  });

  it.each([
    ['quantity 0', { storeId: 's', items: [{ sku: 'a', quantity: 0 }] }, 'items.0.quantity'],
    ['quantity 1000', { storeId: 's', items: [{ sku: 'a', quantity: 1000 }] }, 'items.0.quantity'],
    ['no items', { storeId: 's', items: [] }, 'items'],
    ['a client-side price', { storeId: 's', items: [{ sku: 'a', quantity: 1, unitPrice: 1 }] }, 'items.0.unitPrice'],
  ])('refuses %s', async (_, body, field) => {
    const res = await http('POST', '/v1/orders', { body, token: alice });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ field }] } } });
  });

  it("reads the caller's order, and 404s someone else's", async () => {
    expect(await http('GET', `/v1/orders/${orderId}`, { token: alice })).toMatchObject({ status: 200, body: { orderId, status: 'PROCESSED' } });
    expect(await http('GET', `/v1/orders/${orderId}`, { token: bob })).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
  });

  it('cancels an order (200 with CANCELLED), then refuses a second cancel with 409', async () => {
    expect(await http('POST', `/v1/orders/${orderId}/cancel`, { token: alice, headers: { 'content-type': 'application/json' }, raw: '' })).toMatchObject({
      status: 200, body: { orderId, status: 'CANCELLED' },
    });
    expect(await http('POST', `/v1/orders/${orderId}/cancel`, { token: alice })).toMatchObject({ status: 409, body: { error: { code: 'ALREADY_CANCELLED' } } });
    expect(await http('POST', '/v1/orders/ord_nope/cancel', { token: bob })).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
  });
});

describe('notification stream', () => {
  it('pushes coupon.claimed, order.processed and order.cancelled to their user only, with positional ids', async () => {
    const aliceStream = await openStream(`${h.base}/v1/notifications/stream?access_token=${alice}`);
    const bobStream = await openStream(`${h.base}/v1/notifications/stream`, { authorization: `Bearer ${bob}` });
    try {
      expect(aliceStream.status).toBe(200);
      expect(aliceStream.contentType).toContain('text/event-stream');
      const claim = await http('POST', '/v1/claims', { body: { couponId: 'cpn_sse' }, token: alice });
      const order = await http('POST', '/v1/orders', { body: { storeId: 'store-1', items: [{ sku: 'sku-1', quantity: 3 }] }, token: alice });
      await http('POST', `/v1/orders/${order.body.orderId}/cancel`, { token: alice });
      const events = await aliceStream.waitForEvents(3);
      expect(events.map((e) => e.event)).toEqual(['coupon.claimed', 'order.processed', 'order.cancelled']);
      expect(events[0].data).toEqual({ claimId: claim.body.claimId, couponId: 'cpn_sse', title: 'Coupon cpn_sse' });
      expect(events[1].data).toEqual({ orderId: order.body.orderId, total: 200, discount: 100, appliedCoupon: expect.objectContaining({ couponId: 'cpn_best' }) });
      expect(events[2].data).toEqual({ orderId: order.body.orderId });
      expect(events[0].id).toMatch(/^wallet\.events\.v1:\d+:\d+$/);
      expect(events[1].id).toMatch(/^ordering\.events\.v1:\d+:\d+$/);
      await new Promise((r) => setTimeout(r, 200));
      expect(bobStream.events).toEqual([]);
    } finally {
      await aliceStream.close();
      await bobStream.close();
    }
  });

  it('replays what a terminal missed after its Last-Event-ID', async () => {
    const first = await openStream(`${h.base}/v1/notifications/stream`, { authorization: `Bearer ${bob}` });
    await http('POST', '/v1/claims', { body: { couponId: 'cpn_b1' }, token: bob });
    const [seen] = await first.waitForEvents(1);
    await first.close();
    // Offline meanwhile:
    await http('POST', '/v1/claims', { body: { couponId: 'cpn_b2' }, token: bob });
    await http('POST', '/v1/claims', { body: { couponId: 'cpn_b3' }, token: bob });
    // Each 201 was answered from the outcome event, which the hub had already taken: nothing to wait for.
    const again = await openStream(`${h.base}/v1/notifications/stream`, { authorization: `Bearer ${bob}`, 'last-event-id': seen.id! });
    try {
      const missed = await again.waitForEvents(2);
      expect(missed.map((e) => e.data.couponId)).toEqual(['cpn_b2', 'cpn_b3']);
    } finally {
      await again.close();
    }
  });

  it('a gateway started after the events still replays them after a Last-Event-ID (it reads the recent past back)', async () => {
    const first = await openStream(`${h.base}/v1/notifications/stream`, { authorization: `Bearer ${bob}` });
    await http('POST', '/v1/claims', { body: { couponId: 'cpn_h1' }, token: bob });
    const [seen] = await first.waitForEvents(1);
    await first.close();
    await http('POST', '/v1/claims', { body: { couponId: 'cpn_h2' }, token: bob });
    // A gateway that did not run when cpn_h2 was claimed, as after a restart.
    const late = await h.anotherGateway('it-late');
    const again = await openStream(`${late}/v1/notifications/stream`, { authorization: `Bearer ${bob}`, 'last-event-id': seen.id! });
    try {
      const missed = await again.waitForEvents(1);
      expect(missed.map((e) => e.data.couponId)).toEqual(['cpn_h2']);
    } finally {
      await again.close();
    }
  });

  it('works across instances: every instance sees every outcome', async () => {
    const second = await h.anotherGateway('it-2');
    const stream = await openStream(`${h.base}/v1/notifications/stream`, { authorization: `Bearer ${alice}` });
    try {
      const viaSecond = await fetch(`${second}/v1/claims`, {
        method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' }, body: JSON.stringify({ couponId: 'cpn_x2' }),
      });
      expect(viaSecond.status).toBe(201);
      const [pushed] = await stream.waitForEvents(1);
      expect(pushed).toMatchObject({ event: 'coupon.claimed', data: { couponId: 'cpn_x2' } });
      const wallet = await fetch(`${second}/v1/wallet`, { headers: { authorization: `Bearer ${alice}` } });
      expect(wallet.status).toBe(200);
    } finally {
      await stream.close();
    }
  });

  it('refuses a stream without a valid token', async () => {
    expect((await http('GET', '/v1/notifications/stream')).status).toBe(401);
    expect((await http('GET', '/v1/notifications/stream?access_token=forged.token.here')).status).toBe(401);
  });
});
