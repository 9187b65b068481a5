// Daily caps end to end (issue 15): a coupon's dailyQuantity and perUserDailyLimit, days counted in its time zone,
// with TWO wallet instances deciding claims (their decisions serialized per coupon by the lock, backed by the claim
// rows' unique day sequences). Then `replay --verify` of every service stays equal: the decisions took their time from
// the commands, and the events carry the day. The day boundary itself is tested in the wallet's decision tests (command
// times on both sides of local midnight); here the whole race happens within one local day.
import { RunningStack, startStack } from '@coupons/testing';
import { verifyEveryService } from './support/durability';
import { Api, ApiResponse, expectError } from './support/http';
import { inPool, waitFor } from './support/wait';

/** Minutes since local midnight in the zone. */
const localMinutes = (zone: string, at = new Date()) => {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at).split(':').map(Number);
  return h * 60 + m;
};

/**
 * The default zone (the request names none) unless its midnight is within 15 minutes: then UTC, whose midnight is
 * 8 hours away. A race that straddled a midnight would be allowed twice the cap, rightly, and this test would fail.
 */
const zoneOpts = (): { timeZone?: string } => {
  const m = localMinutes('Asia/Shanghai');
  return m > 15 && m < 24 * 60 - 15 ? {} : { timeZone: 'UTC' };
};

describe('daily caps (two wallet instances)', () => {
  let stack: RunningStack;
  let merchant: Api;
  const tokens = new Map<string, string>();

  async function tokenFor(userId: string): Promise<string> {
    if (!tokens.has(userId)) tokens.set(userId, await stack.devToken(userId, ['customer']));
    return tokens.get(userId)!;
  }
  const claim = async (userId: string, couponId: string): Promise<ApiResponse> => new Api(stack.gatewayUrl, await tokenFor(userId)).post('/v1/claims', { couponId });
  const heldBy = async (userId: string, couponId: string) => {
    const res = await new Api(stack.gatewayUrl, await tokenFor(userId)).get('/v1/wallet');
    expect(res.status).toBe(200);
    return (res.body.coupons as Array<{ couponId: string; claimId: string }>).filter((c) => c.couponId === couponId);
  };
  async function createCoupon(body: Record<string, unknown>): Promise<Record<string, any>> {
    const res = await merchant.post('/v1/admin/coupons', { title: 'Daily', discount: { type: 'AMOUNT_OFF', amount: 100 }, ...body });
    if (res.status !== 201) throw new Error(`creating a coupon: ${res.status} ${res.text}`);
    return res.body;
  }
  /** Every attempt answered 201, 409 or 202; the 202s settle on their own (the claim is decided later). */
  const settledIssued = (couponId: string, expected: number) => waitFor(async () => {
    const res = await merchant.get(`/v1/admin/coupons/${couponId}`);
    return res.body.issued === expected && res.body;
  }, `the catalog to count ${expected} issued of ${couponId}`);

  beforeAll(async () => {
    stack = await startStack({ instances: { wallet: 2 } });
    merchant = new Api(stack.gatewayUrl, await stack.devToken('dc-merchant', ['merchant']));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a time zone that is not an IANA name, and a daily cap of 0, with 400 naming the field', async () => {
    for (const timeZone of ['Mars/Olympus', '+08:00', 8]) {
      const res = await merchant.post('/v1/admin/coupons', { title: 'Bad zone', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 5, timeZone });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['timeZone']);
    }
    const cap = expectError(await merchant.post('/v1/admin/coupons', { title: 'Bad cap', discount: { type: 'AMOUNT_OFF', amount: 100 }, totalQuantity: 5, dailyQuantity: 0 }), 400, 'VALIDATION_FAILED');
    expect(cap.details!.map((d: { field: string }) => d.field)).toEqual(['dailyQuantity']);
  });

  it('60 claims from 30 users race for a daily cap of 10: exactly 10 issued today, the rest 409 DAILY_LIMIT_REACHED', async () => {
    const zone = zoneOpts();
    const coupon = await createCoupon({ title: 'Ten a day', totalQuantity: 1000, perUserLimit: 5, dailyQuantity: 10, ...zone });
    expect(coupon).toMatchObject({ dailyQuantity: 10, perUserDailyLimit: null, timeZone: zone.timeZone ?? 'Asia/Shanghai' });
    const users = Array.from({ length: 30 }, (_, i) => `dc-racer-${String(i).padStart(2, '0')}`);
    await inPool(users, 10, tokenFor);
    const attempts = users.flatMap((u) => [u, u]);
    const results = await inPool(attempts, 30, async (user) => ({ user, res: await claim(user, coupon.couponId) }));

    const codes = results.filter((r) => r.res.status === 409).map((r) => r.res.body.error.code);
    const statuses = results.map((r) => r.res.status);
    console.log(`daily race: 201=${statuses.filter((s) => s === 201).length} 409=${codes.length} 202=${statuses.filter((s) => s === 202).length}`);
    expect(statuses.every((s) => s === 201 || s === 409 || s === 202)).toBe(true);
    expect(new Set(codes)).toEqual(new Set(['DAILY_LIMIT_REACHED']));
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(10);
    const refused = results.find((r) => r.res.status === 409)!;
    expect(refused.res.body.error.message).toMatch(/all 10 of coupon .* for \d{4}-\d{2}-\d{2} \(.*\) are claimed/);

    await settledIssued(coupon.couponId, 10);
    const held = (await inPool(users, 10, (u) => heldBy(u, coupon.couponId))).flat();
    expect(held).toHaveLength(10);
    // Still 10 after everything settled, and a latecomer is refused for the day.
    expectError(await claim('dc-latecomer', coupon.couponId), 409, 'DAILY_LIMIT_REACHED');
    expect((await merchant.get(`/v1/admin/coupons/${coupon.couponId}`)).body).toMatchObject({ issued: 10, totalQuantity: 1000 });
  });

  it('one user racing 8 claims of a coupon with perUserDailyLimit 2 holds exactly 2', async () => {
    const coupon = await createCoupon({ title: 'Two a day each', totalQuantity: 100, perUserLimit: 10, perUserDailyLimit: 2, ...zoneOpts() });
    const results = await Promise.all(Array.from({ length: 8 }, () => claim('dc-greedy', coupon.couponId)));
    const statuses = results.map((r) => r.status);
    console.log(`per-user daily race: ${JSON.stringify(statuses)}`);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('DAILY_LIMIT_REACHED');
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(2);
    await settledIssued(coupon.couponId, 2);
    expect(await heldBy('dc-greedy', coupon.couponId)).toHaveLength(2);
    // Another user still gets theirs: the cap is per user.
    expect((await claim('dc-modest', coupon.couponId)).status).toBe(201);
  });

  it('replay --verify of every service is equal after the races', async () => {
    console.log(`daily caps: replay --verify\n  ${(await verifyEveryService(stack)).join('\n  ')}`);
  });
});
