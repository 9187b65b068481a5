// The scan engine: the catalog's scan answer as an in-memory fold of catalog events and claim counts, with the shared
// rules (offersForScan) deciding the offers. The gateway answers scans with it; nothing else answers scans.
import {
  CatalogEventTypes, CouponCreated, CouponEditEventTypes, CouponStatusChanged, CouponTargetView, CouponUpdated, DiscountSpec, OfferView,
  ProductUpserted, ScanQuery, ScanResult, StoreDisplaysSet, StoreUpserted,
} from '@coupons/contracts';
import { CouponDefinition, CouponTarget, ProductInfo } from './coupon';
import { CouponWithStock, Offer, compareOffers, offersForScan } from './offer-ranking';

interface ProductRow {
  merchantId: string;
  info: ProductInfo;
  view: NonNullable<ScanResult['product']>;
}

/** A key within one merchant's catalog (skus, categories, brands and GTINs are a merchant's own). */
const own = (merchantId: string, key: string): string => `${merchantId}\u0000${key}`;

/** A catalog event as the scan model folds it (decoded and validated). */
export type CatalogEvent =
  | { type: typeof CatalogEventTypes.storeUpserted; payload: StoreUpserted }
  | { type: typeof CatalogEventTypes.productUpserted; payload: ProductUpserted }
  | { type: typeof CatalogEventTypes.couponCreated; payload: CouponCreated }
  | { type: typeof CatalogEventTypes.couponStatusChanged; payload: CouponStatusChanged }
  | { type: typeof CatalogEventTypes.storeDisplaysSet; payload: StoreDisplaysSet }
  | { type: typeof CouponEditEventTypes.couponUpdated; payload: CouponUpdated };

const epochOrNull = (s: string | null | undefined): number | null => (s ? new Date(s).getTime() : null);

/** The discount as a plain object, as the catalog stores it (maxDiscount only when set; the event payload holds a
 *  class instance after validation). */
export function plainDiscount(d: DiscountSpec): DiscountSpec {
  return d.type === 'AMOUNT_OFF'
    ? { type: 'AMOUNT_OFF', amount: d.amount }
    : { type: 'PERCENT_OFF', percent: d.percent, ...(d.maxDiscount !== undefined && d.maxDiscount !== null ? { maxDiscount: d.maxDiscount } : {}) };
}

/** The target as given, without absent lists; an empty object means the whole order. */
export function normalizeTarget(t: CouponTarget | undefined | null): CouponTargetView {
  const out: CouponTargetView = {};
  if (t?.skus) out.skus = [...t.skus];
  if (t?.categories) out.categories = [...t.categories];
  if (t?.brands) out.brands = [...t.brands];
  return out;
}

export function couponDefinitionFromCreated(p: CouponCreated): CouponDefinition {
  return {
    couponId: p.couponId,
    title: p.title,
    discount: plainDiscount(p.discount),
    minSpend: p.minSpend,
    target: normalizeTarget(p.target),
    storeIds: [...p.storeIds],
    totalQuantity: p.totalQuantity,
    perUserLimit: p.perUserLimit,
    claimableFrom: epochOrNull(p.claimableFrom),
    claimableUntil: epochOrNull(p.claimableUntil),
    validDaysAfterClaim: p.validDaysAfterClaim ?? null,
    validUntil: epochOrNull(p.validUntil),
    priority: p.priority,
    status: p.status,
  };
}

/** The parts of a coupon's offer view that only its definition decides (made again when an edit changes it). */
type StaticOfferView = Omit<OfferView, 'remaining' | 'matchScore'>;

function staticOfferView(c: CouponDefinition, merchantId: string): StaticOfferView {
  return {
    couponId: c.couponId,
    merchantId,
    title: c.title,
    discount: c.discount as DiscountSpec,
    minSpend: c.minSpend ?? 0,
    target: (c.target ?? {}) as CouponTargetView,
    storeIds: [...(c.storeIds ?? [])],
    claimableUntil: c.claimableUntil === null || c.claimableUntil === undefined ? null : new Date(c.claimableUntil).toISOString(),
  };
}

/** The offer view of the contract: the definition's part, with this scan's stock and score. */
function offerView(s: StaticOfferView, o: Offer): OfferView {
  return {
    couponId: s.couponId,
    merchantId: s.merchantId,
    title: s.title,
    discount: s.discount,
    minSpend: s.minSpend,
    target: s.target,
    storeIds: s.storeIds,
    claimableUntil: s.claimableUntil,
    remaining: o.remaining,
    matchScore: o.matchScore,
  };
}

function addTo(index: Map<string, Set<string>>, key: string, couponId: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(couponId);
}

/** A value computed from the model, kept until the model changes in a way that can change it. */
interface Derived<T> {
  generation: number;
  value: T;
}

/**
 * The catalog's scan answer as an in-memory fold: stores, products, coupon definitions and statuses, displays (from
 * catalog.events.v1) and issued counts (from wallet.events.v1). Pure: no I/O, so it can be tested and benchmarked
 * alone. The rules are the shared ones (`offersForScan`); the views are the contract's ScanResult.
 *
 * A scan is the hot path, folds are rare: what a scan needs besides the rules is prepared when events are folded or
 * on first use, and kept until an event that can change it (each product's candidate coupons until a coupon is
 * created, each coupon's view part and stock record until its status or issued count changes, each store's
 * displays until a product or the displays change). The answers are the same objects' JSON as before; only the
 * per-scan allocations are gone.
 */
export class ScanModel {
  /** Store id -> its merchant. */
  private readonly stores = new Map<string, string>();
  /** By {@link own}(merchant, sku). */
  private readonly products = new Map<string, ProductRow>();
  /** GTIN -> the merchants carrying it, each with its sku. */
  private readonly carriersByGtin = new Map<string, Map<string, string>>();
  /** sku -> the merchants having a product of that sku. */
  private readonly carriersBySku = new Map<string, Set<string>>();
  private readonly coupons = new Map<string, CouponDefinition>();
  private readonly couponMerchant = new Map<string, string>();
  private readonly issued = new Map<string, number>();
  /** Stock terms changed since creation (CouponStockChanged), by coupon. */
  private readonly terms = new Map<string, { totalQuantity: number; perUserLimit: number }>();
  private readonly displays = new Map<string, Array<{ sku: string; headline: string }>>();
  // Candidate indexes: which coupons can possibly match a product (the rules decide). Whole-order coupons by merchant;
  // the others by own(merchant, sku|category|brand), so a merchant's product only ever meets its merchant's coupons.
  private readonly untargeted = new Map<string, Set<string>>();
  private readonly bySku = new Map<string, Set<string>>();
  private readonly byCategory = new Map<string, Set<string>>();
  private readonly byBrand = new Map<string, Set<string>>();
  // Derived, for scans (see the class comment).
  /** Each coupon with its issued count, as offersForScan takes it; replaced when either changes. */
  private readonly stock = new Map<string, CouponWithStock>();
  private readonly staticViews = new Map<string, StaticOfferView>();
  /** Bumped when a coupon is created: the candidate lists below are of an older generation then. */
  private couponGeneration = 0;
  /** By own(merchant, sku). */
  private readonly candidatesBySku = new Map<string, Derived<string[]>>();
  /** By merchant, and under '' every merchant's (a scan of no known product at no known store). */
  private readonly untargetedCandidates = new Map<string, Derived<string[]>>();
  /** Bumped when a product is upserted or a store's displays are set: the joined displays below are older then. */
  private displayGeneration = 0;
  private readonly displayViews = new Map<string, Derived<ScanResult['displays']>>();

  /** Folds one catalog event (idempotent: upserts, first creation wins, statuses and displays replaced). */
  applyCatalog(e: CatalogEvent): void {
    switch (e.type) {
      case CatalogEventTypes.storeUpserted:
        // The first owner stays (the catalog never hands a store id to another merchant).
        if (!this.stores.has(e.payload.storeId)) this.stores.set(e.payload.storeId, e.payload.merchantId);
        this.displayGeneration++;
        return;
      case CatalogEventTypes.productUpserted: {
        const p = e.payload;
        const m = p.merchantId;
        const key = own(m, p.sku);
        const previous = this.products.get(key);
        const carriers = previous?.info.gtin ? this.carriersByGtin.get(previous.info.gtin) : undefined;
        if (carriers?.get(m) === p.sku) {
          carriers.delete(m);
          if (carriers.size === 0) this.carriersByGtin.delete(previous!.info.gtin!);
        }
        const gtin = p.gtin ?? null;
        const info: ProductInfo = { sku: p.sku, gtin, name: p.name, price: p.price, currency: p.currency, category: p.category ?? null, brand: p.brand ?? null };
        this.products.set(key, { merchantId: m, info, view: { sku: p.sku, gtin, name: p.name, price: p.price, currency: p.currency, merchantId: m } });
        if (gtin) {
          let byMerchant = this.carriersByGtin.get(gtin);
          if (!byMerchant) this.carriersByGtin.set(gtin, (byMerchant = new Map()));
          byMerchant.set(m, p.sku);
        }
        addTo(this.carriersBySku, p.sku, m);
        // The product's category or brand may have changed: its candidates are worked out again on its next scan.
        this.candidatesBySku.delete(key);
        this.displayGeneration++;
        return;
      }
      case CatalogEventTypes.couponCreated: {
        // First creation wins: a repeated CreateCoupon re-emits the original definition and must not reset the status.
        if (this.coupons.has(e.payload.couponId)) return;
        const created = couponDefinitionFromCreated(e.payload);
        const c = { ...created, ...this.terms.get(created.couponId) };
        const m = e.payload.merchantId;
        this.coupons.set(c.couponId, c);
        this.couponMerchant.set(c.couponId, m);
        this.stock.set(c.couponId, { coupon: c, issued: this.issued.get(c.couponId) ?? 0 });
        this.staticViews.set(c.couponId, staticOfferView(c, m));
        const t = c.target ?? {};
        if (!t.skus?.length && !t.categories?.length && !t.brands?.length) addTo(this.untargeted, m, c.couponId);
        for (const sku of t.skus ?? []) addTo(this.bySku, own(m, sku), c.couponId);
        for (const category of t.categories ?? []) addTo(this.byCategory, own(m, category), c.couponId);
        for (const brand of t.brands ?? []) addTo(this.byBrand, own(m, brand), c.couponId);
        this.couponGeneration++;
        return;
      }
      case CatalogEventTypes.couponStatusChanged: {
        const c = this.coupons.get(e.payload.couponId);
        if (c) this.replaceCoupon({ ...c, status: e.payload.status });
        return;
      }
      case CouponEditEventTypes.couponUpdated: {
        const p = e.payload;
        const c = this.coupons.get(p.couponId);
        if (c) this.replaceCoupon({ ...c, title: p.title, priority: p.priority, claimableUntil: epochOrNull(p.claimableUntil), status: p.status });
        return;
      }
      case CatalogEventTypes.storeDisplaysSet:
        this.displays.set(e.payload.storeId, e.payload.items.map((i) => ({ sku: i.sku, headline: i.headline })));
        this.displayGeneration++;
        return;
    }
  }

  /**
   * A claim's issue sequence: the wallet numbers the claims of a coupon 1, 2, 3... in the order it decides them, so
   * the highest number seen is the issued count, whatever the duplicates or redeliveries.
   */
  applyIssued(couponId: string, issuedCount: number): void {
    if (issuedCount > (this.issued.get(couponId) ?? 0)) {
      this.issued.set(couponId, issuedCount);
      const coupon = this.coupons.get(couponId);
      if (coupon) this.stock.set(couponId, { coupon, issued: issuedCount });
    }
  }

  /**
   * A coupon's stock terms after a change (the wallet's CouponStockChanged), kept apart from the definition like the
   * issued counts: wallet events may be folded before the CouponCreated they refer to.
   */
  applyStockTerms(couponId: string, totalQuantity: number, perUserLimit: number): void {
    this.terms.set(couponId, { totalQuantity, perUserLimit });
    const c = this.coupons.get(couponId);
    if (c) this.replaceCoupon(c);
  }

  /** A coupon's definition changed (an edit, stock terms): its stock record and view part are made again. */
  private replaceCoupon(c: CouponDefinition): void {
    const terms = this.terms.get(c.couponId);
    const changed = terms ? { ...c, ...terms } : c;
    this.coupons.set(c.couponId, changed);
    this.stock.set(c.couponId, { coupon: changed, issued: this.issued.get(c.couponId) ?? 0 });
    this.staticViews.set(c.couponId, staticOfferView(changed, this.couponMerchant.get(c.couponId)!));
  }

  /**
   * The scan answer: the store if known, the product by GTIN (else sku), ranked offers, the store's displays.
   *
   * Tenancy: at a known store, the store's merchant's product and coupons only. Without one (no store, or an unknown
   * store), every merchant carrying the code is asked: each one's offers for its own product, ranked together by the
   * shared rules and each labelled with its merchant; `product` is the one of the merchant whose offer is best (with
   * no offer, the carrier first by merchant id). A code no merchant carries gets every merchant's whole-order coupons.
   */
  scan(q: ScanQuery, now: number): ScanResult {
    // An unknown store counts as no store: it neither excludes store coupons nor scores them.
    const storeMerchant = q.storeId ? this.stores.get(q.storeId) : undefined;
    const storeId = storeMerchant !== undefined ? q.storeId! : null;
    const carriers = storeMerchant !== undefined ? [storeMerchant] : this.carriersOf(q);

    let product: ProductRow | undefined;
    let offers: Offer[];
    if (carriers.length === 0) {
      offers = this.offers(storeMerchant ?? '', null, storeId, now);
    } else if (carriers.length === 1) {
      product = this.productOf(carriers[0], q);
      offers = this.offers(carriers[0], product ?? null, storeId, now);
    } else {
      const byCoupon = new Map<string, ProductRow>();
      offers = [];
      for (const m of carriers) {
        const row = this.productOf(m, q)!;
        for (const o of this.offers(m, row, storeId, now)) {
          offers.push(o);
          byCoupon.set(o.couponId, row);
        }
      }
      offers.sort(compareOffers);
      product = offers.length ? byCoupon.get(offers[0].couponId) : this.productOf(carriers[0], q);
    }
    const views: OfferView[] = new Array(offers.length);
    for (let i = 0; i < offers.length; i++) views[i] = offerView(this.staticViews.get(offers[i].couponId)!, offers[i]);

    return { product: product ? product.view : null, storeId, coupons: views, best: views[0] ?? null, displays: storeId ? this.displaysOf(storeId) : [] };
  }

  /** The merchants having a product for the scanned GTIN (else sku), by merchant id. */
  private carriersOf(q: ScanQuery): string[] {
    const byGtin = q.gtin ? this.carriersByGtin.get(q.gtin) : undefined;
    if (byGtin?.size) return byGtin.size === 1 ? [byGtin.keys().next().value!] : [...byGtin.keys()].sort();
    const bySku = q.sku ? this.carriersBySku.get(q.sku) : undefined;
    return bySku?.size ? [...bySku].sort() : [];
  }

  /** A merchant's product for the scanned GTIN, else its product of the scanned sku. */
  private productOf(merchantId: string, q: ScanQuery): ProductRow | undefined {
    const sku = q.gtin ? this.carriersByGtin.get(q.gtin)?.get(merchantId) : undefined;
    return (sku !== undefined ? this.products.get(own(merchantId, sku)) : undefined) ?? (q.sku ? this.products.get(own(merchantId, q.sku)) : undefined);
  }

  /** A merchant's offers for its product (merchant '' and no product: every merchant's whole-order coupons). */
  private offers(merchantId: string, product: ProductRow | null, storeId: string | null, now: number): Offer[] {
    const candidates = this.candidatesFor(merchantId, product);
    const coupons: CouponWithStock[] = new Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) coupons[i] = this.stock.get(candidates[i])!;
    return offersForScan({ product: product?.info ?? null, storeId, coupons, now }).offers;
  }

  /** The coupons that can possibly match a merchant's product (or, without one, its whole-order coupons); the rules decide. */
  private candidatesFor(merchantId: string, row: ProductRow | null): string[] {
    if (!row) {
      const kept = this.untargetedCandidates.get(merchantId);
      if (kept?.generation === this.couponGeneration) return kept.value;
      const value = merchantId === '' ? [...this.untargeted.values()].flatMap((ids) => [...ids]) : [...(this.untargeted.get(merchantId) ?? [])];
      this.untargetedCandidates.set(merchantId, { generation: this.couponGeneration, value });
      return value;
    }
    const product = row.info;
    const key = own(merchantId, product.sku);
    const kept = this.candidatesBySku.get(key);
    if (kept?.generation === this.couponGeneration) return kept.value;
    const ids = new Set<string>(this.untargeted.get(merchantId));
    this.bySku.get(key)?.forEach((id) => ids.add(id));
    if (product.category) this.byCategory.get(own(merchantId, product.category))?.forEach((id) => ids.add(id));
    if (product.brand) this.byBrand.get(own(merchantId, product.brand))?.forEach((id) => ids.add(id));
    const value = [...ids];
    this.candidatesBySku.set(key, { generation: this.couponGeneration, value });
    return value;
  }

  /** A known store's promoted products, joined with its merchant's current products (unknown skus left out). */
  private displaysOf(storeId: string): ScanResult['displays'] {
    const kept = this.displayViews.get(storeId);
    if (kept?.generation === this.displayGeneration) return kept.value;
    const value: ScanResult['displays'] = [];
    const merchantId = this.stores.get(storeId) ?? '';
    for (const item of this.displays.get(storeId) ?? []) {
      const p = this.products.get(own(merchantId, item.sku));
      if (p) value.push({ sku: item.sku, name: p.info.name, headline: item.headline, price: p.info.price, currency: p.info.currency });
    }
    this.displayViews.set(storeId, { generation: this.displayGeneration, value });
    return value;
  }

  /** Where a coupon applies (its stores, target and minimum spend), or null for a coupon this model has not seen. */
  couponScope(couponId: string): { storeIds: string[]; target: CouponTargetView; minSpend: number } | null {
    const c = this.coupons.get(couponId);
    if (!c) return null;
    return { storeIds: [...(c.storeIds ?? [])], target: normalizeTarget(c.target), minSpend: c.minSpend ?? 0 };
  }

  /** Whether a CouponCreated for this id has been folded (whatever its status now). */
  hasCoupon(couponId: string): boolean {
    return this.coupons.has(couponId);
  }

  /** Sizes, for logs and metrics. */
  counts(): { stores: number; products: number; coupons: number } {
    return { stores: this.stores.size, products: this.products.size, coupons: this.coupons.size };
  }
}
