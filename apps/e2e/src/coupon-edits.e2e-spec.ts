// Coupon edits end to end (issue 15 §2, PATCH /v1/admin/coupons/{couponId}): a stock change is a wallet command keyed
// by the coupon, decided in order with its claims, so no claim is accepted past the new total even with claims racing
// the change; the other fields are the catalog's. Every service a process, through HTTP only; replay --verify after.
import { RunningStack, startStack } from '@coupons/testing';
import { Api, ApiResponse, expectError } from './support/http';
import { waitFor } from './support/wait';
import { verifyEveryService } from './support/durability';

const STORE = 'ed-s1';
const TEA = { sku: 'ed-tea', name: 'Green tea', price: 800, gtin: '6901234000023', category: 'drinks', brand: 'Leaf' };

/** fn over items with at most `limit` in flight; one promise per item, in item order. */
function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Array<Promise<R>> {
  const lanes = Array.from({ length: limit }, () => Promise.resolve());
  return items.map((item, i) => {
    const p = lanes[i % limit].then(() => fn(item));
    lanes[i % limit] = p.then(() => undefined, () => undefined);
    return p;
  });
}

describe('coupon edits (PATCH /v1/admin/coupons/{couponId})', () => {
  let stack: RunningStack;
  let merchant: Api;
  const tokens = new Map<string, string>();

  const shopper = async (userId: string) => {
    if (!tokens.has(userId)) tokens.set(userId, await stack.devToken(userId, ['customer']));
    return new Api(stack.gatewayUrl, tokens.get(userId));
  };
  const claim = async (userId: string, couponId: string) => (await shopper(userId)).post('/v1/claims', { couponId });
  const patch = (couponId: string, body: unknown) => merchant.patch(`/v1/admin/coupons/${couponId}`, body);
  const coupon = async (couponId: string) => (await merchant.get(`/v1/admin/coupons/${couponId}`)).body;

  async function createCoupon(body: Record<string, unknown>): Promise<string> {
    const res = await merchant.post('/v1/admin/coupons', { title: 'Tea 1 off', discount: { type: 'AMOUNT_OFF', amount: 100 }, target: { skus: [TEA.sku] }, ...body });
    if (res.status !== 201) throw new Error(`creating a coupon: ${res.status} ${res.text}`);
    return res.body.couponId;
  }
  const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);

  beforeAll(async () => {
    stack = await startStack();
    merchant = new Api(stack.gatewayUrl, await stack.devToken('ed-merchant', ['merchant']));
    expect((await merchant.put(`/v1/admin/stores/${STORE}`, { name: 'Edits store' })).status).toBe(200);
    const { sku, ...product } = TEA;
    expect((await merchant.put(`/v1/admin/products/${sku}`, product)).status).toBe(200);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /**
   * One race: a fresh coupon of 100, 60 claims for it in flight and a PATCH lowering it to 40 among them, sent once
   * `answeredFirst` of the claims are answered (the rest still in flight). Checks what holds whichever way it went.
   */
  async function race(round: string, answeredFirst: number): Promise<number> {
    const couponId = await createCoupon({ title: `Race ${round}`, totalQuantity: 100, perUserLimit: 1 });
    const claimants = users(`race${round}`, 60);
    await Promise.all(claimants.map(shopper));
    // answeredFirst 0: the PATCH is sent first and the claims right behind it, 10 in flight at a time, so that the
    // wallet decides it somewhere among them (its check of the coupon view takes a query's time first).
    const change = answeredFirst === 0 ? patch(couponId, { totalQuantity: 40 }) : null;
    const inFlight = answeredFirst === 0 ? pooled(claimants, 10, (u) => claim(u, couponId)) : claimants.map((u) => claim(u, couponId));
    if (answeredFirst > 0) await Promise.all(inFlight.slice(0, answeredFirst));
    const patched = await (change ?? patch(couponId, { totalQuantity: 40 }));
    const claims = await Promise.all(inFlight);
    const created = claims.filter((r) => r.status === 201).length;
    const refused = claims.filter((r) => r.status === 409);
    expect(created + refused.length).toBe(60); // no 202: every claim decided within the request
    const shown = await waitFor(async () => {
      const c = await coupon(couponId);
      return c.issued === created && c;
    }, 'the catalog counting the claims');
    // The PATCH answer's issued is at least the count the wallet decided the change at: how far into the race it was.
    console.log(`race ${round}: PATCH ${patched.status}${patched.status === 200 ? `, decided with >= ${patched.body.issued} issued` : ''}; ${created} claims taken`);
    if (patched.status === 200) {
      // Taken: exactly the new total issued (60 wanted it), every other claim OUT_OF_STOCK, the total shown.
      expect(patched.body).toMatchObject({ couponId, totalQuantity: 40 });
      expect(created).toBe(40);
      expect(refused.every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
      expect(shown).toMatchObject({ totalQuantity: 40, issued: 40 });
    } else {
      // Refused: more than 40 were issued when it was decided; the total stays 100 and every claim got one.
      expectError(patched, 409, 'BELOW_ISSUED');
      expect(patched.body.error.details).toEqual([expect.objectContaining({ field: 'totalQuantity' })]);
      expect(created).toBe(60);
      expect(shown).toMatchObject({ totalQuantity: 100, issued: 60 });
    }
    return patched.status;
  }

  it('a decrease racing 60 claims for 100: once it is taken, no claim gets past the new total', async () => {
    // Where the wallet decides it among the 60 is the broker's, so a few rounds until one is taken (each round checks
    // the invariants of whichever outcome it had).
    const outcomes: number[] = [];
    for (let round = 0; round < 8 && !outcomes.includes(200); round++) outcomes.push(await race(`t${round}`, 0));
    expect(outcomes).toContain(200);
  });

  it('a decrease below what is already issued, with claims still in flight, is 409 BELOW_ISSUED and changes nothing', async () => {
    expect(await race('b', 45)).toBe(409);
  });

  it('an increase lets exactly that many more in, and scans show the new remaining stock', async () => {
    const couponId = await createCoupon({ title: 'Restock', totalQuantity: 3, perUserLimit: 1 });
    const first = await Promise.all(users('inc-a', 5).map((u) => claim(u, couponId)));
    expect(first.filter((r) => r.status === 201)).toHaveLength(3);
    expect((await claim('inc-late', couponId)).body.error.code).toBe('OUT_OF_STOCK');

    const res = await patch(couponId, { totalQuantity: 5 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ totalQuantity: 5, issued: 3 });
    // The gateway that answered has folded the change: its scans offer the 2 left.
    const offer = (await new Api(stack.gatewayUrl).post('/v1/scans', { code: TEA.gtin, storeId: STORE })).body.coupons.find((c: { couponId: string }) => c.couponId === couponId);
    expect(offer).toMatchObject({ remaining: 2 });
    const second = await Promise.all(users('inc-b', 4).map((u) => claim(u, couponId)));
    expect(second.filter((r) => r.status === 201)).toHaveLength(2);
    expect(second.filter((r) => r.status === 409).every((r) => r.body.error.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await waitFor(async () => (await coupon(couponId)).issued === 5, 'issued 5')).toBe(true);
  });

  it('perUserLimit only up, claimableUntil only later, naming the field; other fields change and show', async () => {
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const couponId = await createCoupon({ title: 'Limits', totalQuantity: 50, perUserLimit: 1, claimableUntil: until, priority: 1 });
    expect((await claim('lim-u', couponId)).status).toBe(201);
    expect((await claim('lim-u', couponId)).body.error.code).toBe('LIMIT_REACHED');

    const lower = await patch(couponId, { perUserLimit: 1, totalQuantity: 10 });
    expect(lower.status).toBe(200); // equal is not lower
    const down = await patch(couponId, { totalQuantity: 20, perUserLimit: 0 });
    expectError(down, 400, 'VALIDATION_FAILED');

    const higher = await patch(couponId, { perUserLimit: 2 });
    expect(higher.body).toMatchObject({ perUserLimit: 2, totalQuantity: 10 });
    expect((await claim('lim-u', couponId)).status).toBe(201);
    const back = await patch(couponId, { perUserLimit: 1 });
    expectError(back, 422, 'LIMIT_LOWERED');
    expect(back.body.error.details).toEqual([expect.objectContaining({ field: 'perUserLimit' })]);

    const earlier = await patch(couponId, { claimableUntil: new Date(Date.now() + 86_400_000).toISOString(), title: 'never written' });
    expectError(earlier, 422, 'CLAIMABLE_UNTIL_EARLIER');
    expect(earlier.body.error.details).toEqual([expect.objectContaining({ field: 'claimableUntil' })]);
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const edited = await patch(couponId, { claimableUntil: later, title: 'Limits, longer', priority: 7, totalQuantity: 12 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: 'Limits, longer', priority: 7, claimableUntil: later, totalQuantity: 12, perUserLimit: 2, status: 'ACTIVE' });
    // Nothing of the refused edit was written, and the catalog's view agrees with the answer.
    expect(await waitFor(async () => {
      const c = await coupon(couponId);
      return c.totalQuantity === 12 && c;
    }, 'the catalog folding the stock change')).toMatchObject({ title: 'Limits, longer', priority: 7, claimableUntil: later, perUserLimit: 2 });
    // Claims after the edit carry the new title.
    expect((await claim('lim-v', couponId)).status).toBe(201);
    const wallet = await (await shopper('lim-v')).get('/v1/wallet');
    expect(wallet.body.coupons.find((c: { couponId: string }) => c.couponId === couponId)).toMatchObject({ title: 'Limits, longer' });
  });

  it('ENDED is final: no more claims, no edit, no way back; claimed coupons stay in the wallet', async () => {
    const couponId = await createCoupon({ title: 'Ends', totalQuantity: 10 });
    expect((await claim('end-u', couponId)).status).toBe(201);
    expect((await patch(couponId, { status: 'PAUSED' })).body.status).toBe('PAUSED');
    expect((await patch(couponId, { status: 'ENDED' })).body.status).toBe('ENDED');
    expectError(await claim('end-v', couponId), 409, 'NOT_CLAIMABLE');
    for (const body of [{ status: 'ACTIVE' }, { status: 'ENDED' }, { totalQuantity: 20 }, { title: 'revived' }]) {
      expectError(await patch(couponId, body), 409, 'COUPON_ENDED');
    }
    expect(await coupon(couponId)).toMatchObject({ status: 'ENDED', title: 'Ends', totalQuantity: 10 });
    const wallet = await (await shopper('end-u')).get('/v1/wallet');
    expect(wallet.body.coupons.find((c: { couponId: string }) => c.couponId === couponId)).toMatchObject({ status: 'AVAILABLE' });
  });

  it.each<[string, string, unknown, number, string, string[]]>([
    ['an unknown coupon', 'cpn_nope', { title: 'x' }, 404, 'COUPON_NOT_FOUND', []],
    ['an empty edit', '', {}, 400, 'VALIDATION_FAILED', []],
    ['a field that never changes', '', { discount: { type: 'AMOUNT_OFF', amount: 1 } }, 400, 'VALIDATION_FAILED', ['discount']],
    ['an unknown status', '', { status: 'DELETED' }, 400, 'VALIDATION_FAILED', ['status']],
  ])('refuses %s', async (_, id, body, status, code, fields) => {
    const couponId = id || (await createCoupon({ title: 'Bad edits', totalQuantity: 5 }));
    const res: ApiResponse = await patch(couponId, body);
    expectError(res, status, code);
    for (const f of fields) expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: f })]));
  });

  it('replay --verify rebuilds every service equal, stock changes and edits included', async () => {
    await verifyEveryService(stack);
  });
});
