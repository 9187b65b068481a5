import {
  CatalogCommandRejected, CatalogCommandTypes, CatalogEventTypes, CouponCreated, CouponEditCommandTypes, CouponEditEventTypes, CouponStatusChanged,
  CouponUpdated, CreateCoupon, DEFAULT_COUPON_TIME_ZONE, Envelope, ProductUpserted, SetCouponStatus, SetStoreDisplays, StoreDisplaysSet, StoreUpserted,
  UpdateCoupon, UpsertProduct, UpsertStore, causedBy,
} from '@coupons/contracts';
import { CouponEntity } from './entities';
import { couponCreatedFromEntity } from './mappers';

/** What a decision may read: the current projection. */
export interface CatalogState {
  storeExists(storeId: string): Promise<boolean>;
  /** sku of the product holding this GTIN, if any. */
  skuWithGtin(gtin: string): Promise<string | null>;
  coupon(couponId: string): Promise<CouponEntity | null>;
  /** The given skus that are not in the catalog. */
  unknownSkus(skus: string[]): Promise<Set<string>>;
}

const CATALOG_COMMAND_TYPES: ReadonlySet<string> = new Set([...Object.values(CatalogCommandTypes), ...Object.values(CouponEditCommandTypes)]);

export const isCatalogCommand = (type: string): boolean => CATALOG_COMMAND_TYPES.has(type);

function rejected(cmd: Envelope, now: Date, code: string, httpStatus: number, message: string, details?: unknown[]): Envelope<CatalogCommandRejected> {
  const payload: CatalogCommandRejected = { commandType: cmd.type, code, message, httpStatus, ...(details ? { details } : {}) };
  return causedBy(cmd, CatalogEventTypes.commandRejected, payload, cmd.aggregateId, now);
}

/**
 * Decides a catalog command against the current state: the events it produces (each one caused by the command, so
 * the gateway finds the outcome by causationId). Refusals are CatalogCommandRejected events with an HTTP status.
 * Reads through `state` only; the caller applies the events with the fold and appends them to the outbox.
 */
export async function decideCatalogCommand(cmd: Envelope, state: CatalogState, now: Date): Promise<Envelope[]> {
  switch (cmd.type) {
    case CatalogCommandTypes.upsertStore: {
      const p = cmd.payload as UpsertStore;
      const e: StoreUpserted = { storeId: p.storeId, name: p.name };
      return [causedBy(cmd, CatalogEventTypes.storeUpserted, e, p.storeId, now)];
    }
    case CatalogCommandTypes.upsertProduct: {
      const p = cmd.payload as UpsertProduct;
      if (p.gtin) {
        const holder = await state.skuWithGtin(p.gtin);
        if (holder !== null && holder !== p.sku) {
          return [rejected(cmd, now, 'GTIN_IN_USE', 409, `GTIN ${p.gtin} already belongs to product ${holder}`, [{ field: 'gtin', message: `already used by sku ${holder}` }])];
        }
      }
      const e: ProductUpserted = {
        sku: p.sku, name: p.name, price: p.price, currency: p.currency, gtin: p.gtin ?? null, category: p.category ?? null, brand: p.brand ?? null,
      };
      return [causedBy(cmd, CatalogEventTypes.productUpserted, e, p.sku, now)];
    }
    case CatalogCommandTypes.createCoupon: {
      const p = cmd.payload as CreateCoupon;
      const existing = await state.coupon(p.couponId);
      // The gateway assigns couponId, so a repeat (retry with a new command id) is a no-op answered with the original.
      const e: CouponCreated = existing ? couponCreatedFromEntity(existing) : { ...plainCreate(p), status: 'ACTIVE', createdAt: now.toISOString() };
      return [causedBy(cmd, CatalogEventTypes.couponCreated, e, p.couponId, now)];
    }
    case CatalogCommandTypes.setCouponStatus: {
      const p = cmd.payload as SetCouponStatus;
      const coupon = await state.coupon(p.couponId);
      if (!coupon) return [rejected(cmd, now, 'COUPON_NOT_FOUND', 404, `no coupon ${p.couponId}`)];
      if (coupon.status === 'ENDED') return [endedRejection(cmd, now, p.couponId)];
      const e: CouponStatusChanged = { couponId: p.couponId, status: p.status };
      return [causedBy(cmd, CatalogEventTypes.couponStatusChanged, e, p.couponId, now)];
    }
    case CatalogCommandTypes.setStoreDisplays: {
      const p = cmd.payload as SetStoreDisplays;
      if (!(await state.storeExists(p.storeId))) return [rejected(cmd, now, 'STORE_NOT_FOUND', 404, `no store ${p.storeId}`)];
      const unknown = await state.unknownSkus(p.items.map((i) => i.sku));
      if (unknown.size) {
        const details = p.items.flatMap((item, i) => (unknown.has(item.sku) ? [{ field: `items[${i}].sku`, message: `unknown sku ${item.sku}` }] : []));
        return [rejected(cmd, now, 'UNKNOWN_SKU', 422, `unknown sku: ${[...unknown].join(', ')}`, details)];
      }
      const e: StoreDisplaysSet = { storeId: p.storeId, items: p.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
      return [causedBy(cmd, CatalogEventTypes.storeDisplaysSet, e, p.storeId, now)];
    }
    case CouponEditCommandTypes.updateCoupon:
      return [await decideUpdateCoupon(cmd as Envelope<UpdateCoupon>, state, now)];
    default:
      throw new Error(`not a catalog command: ${cmd.type}`);
  }
}

const endedRejection = (cmd: Envelope, now: Date, couponId: string) =>
  rejected(cmd, now, 'COUPON_ENDED', 409, `coupon ${couponId} has ended: an ended coupon can't change`, [{ field: 'status', message: 'the coupon is ENDED, which is final' }]);

/**
 * An edit of the catalog-owned fields: unknown coupon 404; an ENDED coupon changes no more (COUPON_ENDED, whatever
 * the edit); claimableUntil only later (a coupon without one is claimable for ever, so any date would be earlier).
 * The event carries every editable field after the edit, so its folds only overwrite.
 */
async function decideUpdateCoupon(cmd: Envelope<UpdateCoupon>, state: CatalogState, now: Date): Promise<Envelope> {
  const p = cmd.payload;
  const coupon = await state.coupon(p.couponId);
  if (!coupon) return rejected(cmd, now, 'COUPON_NOT_FOUND', 404, `no coupon ${p.couponId}`);
  if (coupon.status === 'ENDED') return endedRejection(cmd, now, p.couponId);
  let claimableUntil = coupon.claimableUntil ? coupon.claimableUntil.toISOString() : null;
  if (p.claimableUntil !== undefined) {
    const next = new Date(p.claimableUntil);
    if (coupon.claimableUntil === null || next.getTime() < coupon.claimableUntil.getTime()) {
      const current = coupon.claimableUntil === null ? 'none (claimable for ever)' : coupon.claimableUntil.toISOString();
      return rejected(cmd, now, 'CLAIMABLE_UNTIL_EARLIER', 422, `claimableUntil may only move later (now ${current})`, [
        { field: 'claimableUntil', message: `must not be earlier than the current claimableUntil, ${current}` },
      ]);
    }
    claimableUntil = next.toISOString();
  }
  const e: CouponUpdated = {
    couponId: p.couponId, title: p.title ?? coupon.title, priority: p.priority ?? coupon.priority, claimableUntil, status: p.status ?? coupon.status,
  };
  return causedBy(cmd, CouponEditEventTypes.couponUpdated, e, p.couponId, now);
}

/** The command's fields as plain data (optional ones normalized to null), so the event carries no class instances. */
function plainCreate(p: CreateCoupon): CreateCoupon {
  return {
    couponId: p.couponId,
    title: p.title,
    discount: p.discount.type === 'AMOUNT_OFF'
      ? { type: 'AMOUNT_OFF', amount: p.discount.amount }
      : { type: 'PERCENT_OFF', percent: p.discount.percent, ...(p.discount.maxDiscount != null ? { maxDiscount: p.discount.maxDiscount } : {}) },
    minSpend: p.minSpend,
    target: {
      ...(p.target?.skus ? { skus: [...p.target.skus] } : {}),
      ...(p.target?.categories ? { categories: [...p.target.categories] } : {}),
      ...(p.target?.brands ? { brands: [...p.target.brands] } : {}),
    },
    storeIds: [...p.storeIds],
    totalQuantity: p.totalQuantity,
    perUserLimit: p.perUserLimit,
    claimableFrom: p.claimableFrom ?? null,
    claimableUntil: p.claimableUntil ?? null,
    validDaysAfterClaim: p.validDaysAfterClaim ?? null,
    validUntil: p.validUntil ?? null,
    priority: p.priority,
    dailyQuantity: p.dailyQuantity ?? null,
    perUserDailyLimit: p.perUserDailyLimit ?? null,
    // Every coupon created from now on names its zone: the default is applied once, here, not by each reader.
    timeZone: p.timeZone ?? DEFAULT_COUPON_TIME_ZONE,
  };
}
