import {
  CatalogCommandRejected, CatalogCommandTypes, CatalogEventTypes, CouponCreated, CouponEditCommandTypes, CouponEditEventTypes, CouponStatusChanged,
  CouponUpdated, CreateCoupon, DEFAULT_COUPON_TIME_ZONE, Envelope, MerchantScoped, ProductUpserted, SetCouponStatus, SetStoreDisplays, StoreDisplaysSet,
  StoreUpserted, UpdateCoupon, UpsertProduct, UpsertStore, causedBy,
} from '@coupons/contracts';
import { couponEditRefusal } from '@coupons/coupon-rules';
import { CouponEntity } from './entities';
import { couponCreatedFromEntity } from './mappers';

/** What a decision may read: the current projection. */
export interface CatalogState {
  /** The merchant owning the store, null for an unknown store. */
  storeOwner(storeId: string): Promise<string | null>;
  /** sku of the merchant's product holding this GTIN, if any. */
  skuWithGtin(merchantId: string, gtin: string): Promise<string | null>;
  coupon(couponId: string): Promise<CouponEntity | null>;
  /** The given skus that are not the merchant's products. */
  unknownSkus(merchantId: string, skus: string[]): Promise<Set<string>>;
  /** The given store ids that are not the merchant's stores. */
  unknownStores(merchantId: string, storeIds: string[]): Promise<Set<string>>;
}

/**
 * Whether the sender may see an entity owned by `owner`: its own merchant, or the platform's operator. Everything
 * else is refused exactly as an id that does not exist (same code, status and message), so a merchant cannot probe
 * another's ids.
 */
const sees = (cmd: MerchantScoped, owner: string | null): owner is string => owner !== null && (cmd.asAdmin === true || owner === cmd.merchantId);

/** One detail per listed value the state did not find, by its position in the list. */
function notFoundDetails(field: string, values: readonly string[], unknown: Set<string>, what: string): Array<{ field: string; message: string }> {
  return values.flatMap((v, i) => (unknown.has(v) ? [{ field: `${field}[${i}]`, message: `no ${what} ${v}` }] : []));
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
      const owner = await state.storeOwner(p.storeId);
      // Store ids are the platform's (store QR codes carry them): another merchant's id is taken, not renamed.
      if (owner !== null && !sees(p, owner)) {
        return [rejected(cmd, now, 'STORE_ID_TAKEN', 409, `store id ${p.storeId} is taken`, [{ field: 'storeId', message: 'another merchant holds this store id' }])];
      }
      const e: StoreUpserted = { merchantId: owner ?? p.merchantId, storeId: p.storeId, name: p.name };
      return [causedBy(cmd, CatalogEventTypes.storeUpserted, e, p.storeId, now)];
    }
    case CatalogCommandTypes.upsertProduct: {
      const p = cmd.payload as UpsertProduct;
      if (p.gtin) {
        const holder = await state.skuWithGtin(p.merchantId, p.gtin);
        if (holder !== null && holder !== p.sku) {
          return [rejected(cmd, now, 'GTIN_IN_USE', 409, `GTIN ${p.gtin} already belongs to product ${holder}`, [{ field: 'gtin', message: `already used by sku ${holder}` }])];
        }
      }
      const e: ProductUpserted = {
        merchantId: p.merchantId, sku: p.sku, name: p.name, price: p.price, currency: p.currency, gtin: p.gtin ?? null, category: p.category ?? null, brand: p.brand ?? null,
      };
      return [causedBy(cmd, CatalogEventTypes.productUpserted, e, p.sku, now)];
    }
    case CatalogCommandTypes.createCoupon: {
      const p = cmd.payload as CreateCoupon;
      const existing = await state.coupon(p.couponId);
      // The gateway assigns couponId, so a repeat (retry with a new command id) is a no-op answered with the original.
      if (existing) return [causedBy(cmd, CatalogEventTypes.couponCreated, couponCreatedFromEntity(existing), p.couponId, now)];
      // A coupon names only its merchant's stores and targets only its products (an admin's coupon too: the coupon is
      // its merchant's). Categories and brands need no check: they only ever match the coupon's merchant's products.
      const stores = await state.unknownStores(p.merchantId, p.storeIds);
      if (stores.size) return [rejected(cmd, now, 'STORE_NOT_FOUND', 404, `no store ${[...stores].join(', ')}`, notFoundDetails('storeIds', p.storeIds, stores, 'store'))];
      const skus = p.target?.skus ?? [];
      const unknownSkus = await state.unknownSkus(p.merchantId, skus);
      if (unknownSkus.size) {
        return [rejected(cmd, now, 'PRODUCT_NOT_FOUND', 404, `no product ${[...unknownSkus].join(', ')}`, notFoundDetails('target.skus', skus, unknownSkus, 'product'))];
      }
      const e: CouponCreated = { ...plainCreate(p), status: 'ACTIVE', createdAt: now.toISOString() };
      return [causedBy(cmd, CatalogEventTypes.couponCreated, e, p.couponId, now)];
    }
    case CatalogCommandTypes.setCouponStatus: {
      const p = cmd.payload as SetCouponStatus;
      const coupon = await state.coupon(p.couponId);
      if (!coupon || !sees(p, coupon.merchantId)) return [rejected(cmd, now, 'COUPON_NOT_FOUND', 404, `no coupon ${p.couponId}`)];
      const refused = editRefused(cmd, now, coupon);
      if (refused) return [refused];
      const e: CouponStatusChanged = { merchantId: coupon.merchantId, couponId: p.couponId, status: p.status };
      return [causedBy(cmd, CatalogEventTypes.couponStatusChanged, e, p.couponId, now)];
    }
    case CatalogCommandTypes.setStoreDisplays: {
      const p = cmd.payload as SetStoreDisplays;
      const owner = await state.storeOwner(p.storeId);
      if (!sees(p, owner)) return [rejected(cmd, now, 'STORE_NOT_FOUND', 404, `no store ${p.storeId}`)];
      // A store promotes its merchant's products only: another merchant's sku is not found, as an unknown one.
      const unknown = await state.unknownSkus(owner, p.items.map((i) => i.sku));
      if (unknown.size) {
        const details = p.items.flatMap((item, i) => (unknown.has(item.sku) ? [{ field: `items[${i}].sku`, message: `no product ${item.sku}` }] : []));
        return [rejected(cmd, now, 'PRODUCT_NOT_FOUND', 404, `no product ${[...unknown].join(', ')}`, details)];
      }
      const e: StoreDisplaysSet = { merchantId: owner, storeId: p.storeId, items: p.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
      return [causedBy(cmd, CatalogEventTypes.storeDisplaysSet, e, p.storeId, now)];
    }
    case CouponEditCommandTypes.updateCoupon:
      return [await decideUpdateCoupon(cmd as Envelope<UpdateCoupon>, state, now)];
    default:
      throw new Error(`not a catalog command: ${cmd.type}`);
  }
}

/** The edit rules (coupon-rules couponEditRefusal) on the catalog's fields of an edit: ENDED is final, claimableUntil only later. */
function editRefused(cmd: Envelope, now: Date, coupon: CouponEntity, claimableUntil?: string): Envelope | null {
  const r = couponEditRefusal(
    { couponId: coupon.couponId, status: coupon.status, claimableUntil: coupon.claimableUntil?.getTime() ?? null, perUserLimit: coupon.perUserLimit, issued: 0 },
    { claimableUntil: claimableUntil === undefined ? undefined : new Date(claimableUntil).getTime() },
  );
  return r ? rejected(cmd, now, r.code, r.httpStatus, r.message, [{ field: r.field, message: r.fieldMessage }]) : null;
}

/**
 * An edit of the catalog-owned fields: unknown coupon (or another merchant's) 404; an ENDED coupon changes no more (COUPON_ENDED, whatever
 * the edit); claimableUntil only later (a coupon without one is claimable for ever, so any date would be earlier).
 * The event carries every editable field after the edit, so its folds only overwrite.
 */
async function decideUpdateCoupon(cmd: Envelope<UpdateCoupon>, state: CatalogState, now: Date): Promise<Envelope> {
  const p = cmd.payload;
  const coupon = await state.coupon(p.couponId);
  // Another merchant's coupon answers as an unknown one.
  if (!coupon || !sees(p, coupon.merchantId)) return rejected(cmd, now, 'COUPON_NOT_FOUND', 404, `no coupon ${p.couponId}`);
  const refused = editRefused(cmd, now, coupon, p.claimableUntil);
  if (refused) return refused;
  const claimableUntil = p.claimableUntil !== undefined ? new Date(p.claimableUntil).toISOString() : coupon.claimableUntil?.toISOString() ?? null;
  const e: CouponUpdated = {
    merchantId: coupon.merchantId, couponId: p.couponId, title: p.title ?? coupon.title, priority: p.priority ?? coupon.priority, claimableUntil, status: p.status ?? coupon.status,
  };
  return causedBy(cmd, CouponEditEventTypes.couponUpdated, e, p.couponId, now);
}

/** The command's fields as plain data (optional ones normalized to null), so the event carries no class instances. */
function plainCreate(p: CreateCoupon): CreateCoupon {
  return {
    merchantId: p.merchantId,
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
