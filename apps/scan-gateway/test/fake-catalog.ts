import { CatalogEventTypes, CouponAdminView, CouponEditEventTypes, Envelope, Queries, Topics, causedBy, envelope } from '@coupons/contracts';
import { FakeService } from './fake-service';

type Product = { sku: string; gtin: string | null; name: string; price: number; currency: string };

/** coupon-catalog's stand-in: decides catalog commands and answers the scan and getCoupon queries. */
export function fakeCatalog(brokers: string) {
  const products = new Map<string, Product>();
  const coupons = new Map<string, CouponAdminView>();
  const service = new FakeService(brokers, {
    name: 'catalog',
    commandsTopic: Topics.catalogCommands,
    eventsTopic: Topics.catalogEvents,
    queryPatterns: [Queries.getCoupon, Queries.commandOutcome.catalog],
    decide(cmd: Envelope<any>) {
      // Events name the owner, never the sender's asAdmin (the fake keeps no owners: the sender owns).
      const { asAdmin: _, ...p } = cmd.payload;
      switch (cmd.type) {
        case 'UpsertStore':
          return causedBy(cmd, CatalogEventTypes.storeUpserted, { merchantId: p.merchantId, storeId: p.storeId, name: p.name }, p.storeId);
        case 'UpsertProduct':
          products.set(p.sku, { sku: p.sku, gtin: p.gtin ?? null, name: p.name, price: p.price, currency: p.currency });
          return causedBy(cmd, CatalogEventTypes.productUpserted, { ...p }, p.sku);
        case 'CreateCoupon': {
          const createdAt = new Date().toISOString();
          coupons.set(p.couponId, { ...p, status: 'ACTIVE', issued: 0, redeemed: 0, createdAt });
          return causedBy(cmd, CatalogEventTypes.couponCreated, { ...p, status: 'ACTIVE', createdAt }, p.couponId);
        }
        case 'SetCouponStatus': {
          const coupon = coupons.get(p.couponId);
          if (!coupon) {
            return causedBy(cmd, CatalogEventTypes.commandRejected, { commandType: cmd.type, code: 'COUPON_NOT_FOUND', message: `no coupon ${p.couponId}`, httpStatus: 404 }, p.couponId);
          }
          coupon.status = p.status;
          return causedBy(cmd, CatalogEventTypes.couponStatusChanged, { merchantId: coupon.merchantId, couponId: p.couponId, status: p.status }, p.couponId);
        }
        case 'UpdateCoupon': {
          const coupon = coupons.get(p.couponId);
          if (!coupon) {
            return causedBy(cmd, CatalogEventTypes.commandRejected, { commandType: cmd.type, code: 'COUPON_NOT_FOUND', message: `no coupon ${p.couponId}`, httpStatus: 404 }, p.couponId);
          }
          Object.assign(coupon, Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'couponId')));
          const { title, priority, claimableUntil, status } = coupon;
          return causedBy(cmd, CouponEditEventTypes.couponUpdated, { merchantId: coupon.merchantId, couponId: p.couponId, title, priority, claimableUntil: claimableUntil ?? null, status }, p.couponId);
        }
        case 'SetStoreDisplays':
          if (p.items.some((i: { sku: string }) => !products.has(i.sku))) {
            return causedBy(cmd, CatalogEventTypes.commandRejected, { commandType: cmd.type, code: 'UNKNOWN_SKU', message: 'unknown sku', httpStatus: 422 }, p.storeId);
          }
          return causedBy(cmd, CatalogEventTypes.storeDisplaysSet, { merchantId: p.merchantId, storeId: p.storeId, items: p.items }, p.storeId);
        default:
          throw new Error(`fake catalog: unexpected command ${cmd.type}`);
      }
    },
    answer(pattern, payload, outcomes) {
      if (pattern === Queries.getCoupon) {
        const coupon = coupons.get(payload.couponId);
        // As on the wire from a Nest handler returning {ok: true, value}: Nest's serializer sends the value alone.
        return coupon ? coupon : { ok: false, code: 'COUPON_NOT_FOUND', message: `no coupon ${payload.couponId}` };
      }
      const stored = outcomes.get(payload.commandId);
      return stored ? { ok: true, value: stored } : { ok: false, code: 'COMMAND_NOT_FOUND', message: 'no stored outcome' };
    },
  });
  /** Publishes CouponCreated for ids a test claims without creating them through the admin API. */
  const announceCoupons = async (...couponIds: string[]) => {
    for (const couponId of couponIds) {
      const p = { couponId, title: `Coupon ${couponId}`, discount: { type: 'AMOUNT_OFF', amount: 100 }, minSpend: 0, target: {}, storeIds: [], totalQuantity: 100, perUserLimit: 1, priority: 0 };
      await service.publish(envelope(CatalogEventTypes.couponCreated, { ...p, status: 'ACTIVE', createdAt: new Date().toISOString() }, { aggregateId: couponId, correlationId: `announce-${couponId}` }));
    }
  };
  return Object.assign(service, { products, coupons, announceCoupons });
}
