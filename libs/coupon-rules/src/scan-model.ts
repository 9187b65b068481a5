// The scan engine: the catalog's scan answer as an in-memory fold of catalog events and claim counts, with the shared
// rules (offersForScan) deciding the offers. The gateway answers scans with it; nothing else answers scans.
import {
  CatalogEventTypes, CouponCreated, CouponEditEventTypes, CouponStatusChanged, CouponTargetView, CouponUpdated, DiscountSpec, OfferView,
  ProductUpserted, ScanQuery, ScanResult, StoreDisplaysSet, StoreUpserted,
} from '@coupons/contracts';
import { CouponDefinition, CouponTarget, ProductInfo } from './coupon';
import { CouponWithStock, Offer, offersForScan } from './offer-ranking';

interface ProductRow {
  info: ProductInfo;
  view: NonNullable<ScanResult['product']>;
}

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

/** The parts of a coupon's offer view that only its definition decides (definitions are immutable once created). */
type StaticOfferView = Omit<OfferView, 'remaining' | 'matchScore'>;

function staticOfferView(c: CouponDefinition): StaticOfferView {
  return {
    couponId: c.couponId,
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
  private readonly stores = new Set<string>();
  private readonly products = new Map<string, ProductRow>();
  private readonly skuByGtin = new Map<string, string>();
  private readonly coupons = new Map<string, CouponDefinition>();
  private readonly issued = new Map<string, number>();
  /** Stock terms changed since creation (CouponStockChanged), by coupon. */
  private readonly terms = new Map<string, { totalQuantity: number; perUserLimit: number }>();
  private readonly displays = new Map<string, Array<{ sku: string; headline: string }>>();
  // Candidate indexes: which coupons can possibly match a product (the rules decide).
  private readonly untargeted = new Set<string>();
  private readonly bySku = new Map<string, Set<string>>();
  private readonly byCategory = new Map<string, Set<string>>();
  private readonly byBrand = new Map<string, Set<string>>();
  // Derived, for scans (see the class comment).
  /** Each coupon with its issued count, as offersForScan takes it; replaced when either changes. */
  private readonly stock = new Map<string, CouponWithStock>();
  private readonly staticViews = new Map<string, StaticOfferView>();
  /** Bumped when a coupon is created: the candidate lists below are of an older generation then. */
  private couponGeneration = 0;
  private readonly candidatesBySku = new Map<string, Derived<string[]>>();
  private untargetedCandidates: Derived<string[]> | null = null;
  /** Bumped when a product is upserted or a store's displays are set: the joined displays below are older then. */
  private displayGeneration = 0;
  private readonly displayViews = new Map<string, Derived<ScanResult['displays']>>();

  /** Folds one catalog event (idempotent: upserts, first creation wins, statuses and displays replaced). */
  applyCatalog(e: CatalogEvent): void {
    switch (e.type) {
      case CatalogEventTypes.storeUpserted:
        this.stores.add(e.payload.storeId);
        return;
      case CatalogEventTypes.productUpserted: {
        const p = e.payload;
        const previous = this.products.get(p.sku);
        if (previous?.info.gtin && this.skuByGtin.get(previous.info.gtin) === p.sku) this.skuByGtin.delete(previous.info.gtin);
        const gtin = p.gtin ?? null;
        const info: ProductInfo = { sku: p.sku, gtin, name: p.name, price: p.price, currency: p.currency, category: p.category ?? null, brand: p.brand ?? null };
        this.products.set(p.sku, { info, view: { sku: p.sku, gtin, name: p.name, price: p.price, currency: p.currency } });
        if (gtin) this.skuByGtin.set(gtin, p.sku);
        // The product's category or brand may have changed: its candidates are worked out again on its next scan.
        this.candidatesBySku.delete(p.sku);
        this.displayGeneration++;
        return;
      }
      case CatalogEventTypes.couponCreated: {
        // First creation wins: a repeated CreateCoupon re-emits the original definition and must not reset the status.
        if (this.coupons.has(e.payload.couponId)) return;
        const created = couponDefinitionFromCreated(e.payload);
        const c = { ...created, ...this.terms.get(created.couponId) };
        this.coupons.set(c.couponId, c);
        this.stock.set(c.couponId, { coupon: c, issued: this.issued.get(c.couponId) ?? 0 });
        this.staticViews.set(c.couponId, staticOfferView(c));
        const t = c.target ?? {};
        if (!t.skus?.length && !t.categories?.length && !t.brands?.length) this.untargeted.add(c.couponId);
        for (const sku of t.skus ?? []) addTo(this.bySku, sku, c.couponId);
        for (const category of t.categories ?? []) addTo(this.byCategory, category, c.couponId);
        for (const brand of t.brands ?? []) addTo(this.byBrand, brand, c.couponId);
        this.couponGeneration++;
        return;
      }
      case CatalogEventTypes.couponStatusChanged: {
        const c = this.coupons.get(e.payload.couponId);
        if (c) {
          const changed = { ...c, status: e.payload.status };
          this.coupons.set(c.couponId, changed);
          this.stock.set(c.couponId, { coupon: changed, issued: this.issued.get(c.couponId) ?? 0 });
        }
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
    this.staticViews.set(c.couponId, staticOfferView(changed));
  }

  /** The scan answer: product by GTIN (else sku), the store if known, ranked offers, the store's displays. */
  scan(q: ScanQuery, now: number): ScanResult {
    let product: ProductRow | undefined;
    if (q.gtin) {
      const sku = this.skuByGtin.get(q.gtin);
      if (sku) product = this.products.get(sku);
    }
    if (!product && q.sku) product = this.products.get(q.sku);
    // An unknown store counts as no store: it neither excludes store coupons nor scores them.
    const storeId = q.storeId && this.stores.has(q.storeId) ? q.storeId : null;

    const candidates = this.candidatesFor(product?.info ?? null);
    const coupons: CouponWithStock[] = new Array(candidates.length);
    for (let i = 0; i < candidates.length; i++) coupons[i] = this.stock.get(candidates[i])!;
    const { offers } = offersForScan({ product: product?.info ?? null, storeId, coupons, now });
    const views: OfferView[] = new Array(offers.length);
    for (let i = 0; i < offers.length; i++) views[i] = offerView(this.staticViews.get(offers[i].couponId)!, offers[i]);

    return { product: product ? product.view : null, storeId, coupons: views, best: views[0] ?? null, displays: storeId ? this.displaysOf(storeId) : [] };
  }

  /** The coupons that can possibly match a product (or, without one, the whole-order coupons); the rules decide. */
  private candidatesFor(product: ProductInfo | null): string[] {
    if (!product) {
      if (this.untargetedCandidates?.generation !== this.couponGeneration) {
        this.untargetedCandidates = { generation: this.couponGeneration, value: [...this.untargeted] };
      }
      return this.untargetedCandidates.value;
    }
    const kept = this.candidatesBySku.get(product.sku);
    if (kept?.generation === this.couponGeneration) return kept.value;
    const ids = new Set<string>(this.untargeted);
    this.bySku.get(product.sku)?.forEach((id) => ids.add(id));
    if (product.category) this.byCategory.get(product.category)?.forEach((id) => ids.add(id));
    if (product.brand) this.byBrand.get(product.brand)?.forEach((id) => ids.add(id));
    const value = [...ids];
    this.candidatesBySku.set(product.sku, { generation: this.couponGeneration, value });
    return value;
  }

  /** A known store's promoted products, joined with the current products (unknown skus left out). */
  private displaysOf(storeId: string): ScanResult['displays'] {
    const kept = this.displayViews.get(storeId);
    if (kept?.generation === this.displayGeneration) return kept.value;
    const value: ScanResult['displays'] = [];
    for (const item of this.displays.get(storeId) ?? []) {
      const p = this.products.get(item.sku);
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
