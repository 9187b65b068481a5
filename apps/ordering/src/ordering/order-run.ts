import { CouponRedeemed, Envelope, OrderProcessed, OrderingEventTypes } from '@coupons/contracts';
import { PendingFolds, RunState, tableName } from '@coupons/messaging';
import { EntityManager } from 'typeorm';
import { OrderProduct, OrderingState, StoredOrder, UserClaim } from './decisions';
import { CustomerOrderEntity, ProductEntity, StoreEntity } from './entities';
import { ClaimRow, claimFromRow, claimsQuery } from './ordering-state';

/**
 * Folds of these types touch rows no other type of the set touches (an order with its lines and outcome, a command's
 * rejection outcome, a claim's redemption), so consecutive events of these types leave the same rows folded grouped by
 * type as one after another. Cancellations (an order's status, a redemption deleted) are not among them.
 */
const DISJOINT_FOLDS: ReadonlySet<string> = new Set([OrderingEventTypes.orderProcessed, OrderingEventTypes.orderRejected, OrderingEventTypes.couponRedeemed]);

/**
 * The one statement of {@link OrderRun.read}: the run's stores ($1) with their merchants, those merchants' products of
 * the run's skus ($2), the orders among the run's ids ($3) and the run's users' claims ($4), as JSON documents. Each
 * read is an index lookup (products by their key (merchant_id, sku): a sku alone would scan every merchant's).
 */
export function runReadsQuery(em: EntityManager): string {
  const store = tableName(em, StoreEntity);
  return `SELECT COALESCE((SELECT json_agg(json_build_object('storeId', s.store_id, 'merchantId', s.merchant_id))
                     FROM ${store} s WHERE s.store_id = ANY($1::text[])), '[]') AS stores,
         COALESCE((SELECT json_agg(json_build_object('merchantId', p.merchant_id, 'sku', p.sku, 'price', p.price, 'currency', p.currency, 'category', p.category, 'brand', p.brand))
                     FROM ${tableName(em, ProductEntity)} p
                    WHERE (p.merchant_id, p.sku) IN (SELECT s.merchant_id, x.sku FROM ${store} s CROSS JOIN unnest($2::text[]) AS x(sku)
                                                      WHERE s.store_id = ANY($1::text[]))), '[]') AS products,
         COALESCE((SELECT json_agg(o.order_id) FROM ${tableName(em, CustomerOrderEntity)} o WHERE o.order_id = ANY($3::text[])), '[]') AS orders,
         COALESCE((SELECT json_agg(c ORDER BY c.user_id, c.claim_id) FROM (${claimsQuery(em, 'c.user_id = ANY($4::text[])')}) c), '[]') AS claims`;
}

/**
 * The state a run of order commands is decided on (CommandPipeline), as one by one but with a handful of statements
 * for the whole run: what the run's PlaceOrders read is read up front (their stores and products, which of their order
 * ids exist, their users' claims), and kept current as the run decides (an order decided, a claim redeemed). The
 * pipeline folds the decisions' events at the end of the run ({@link inFoldOrder}: one set-based statement per table);
 * any read the snapshot can't answer (a cancellation locking its order, an order decided before the run) first has the
 * pending ones folded, then reads the tables, so every decision sees every one before it.
 */
export class OrderRun implements OrderingState, RunState {
  private constructor(
    private readonly pending: PendingFolds,
    private readonly live: OrderingState,
    /** Store id -> its merchant (null: unknown store). */
    private readonly stores: ReadonlyMap<string, string | null>,
    /** sku -> the run's stores' merchants' products of that sku (read for the run's skus). */
    private readonly productsBySku: ReadonlyMap<string, ReadonlyMap<string, OrderProduct>>,
    /** Order ids known to be absent (null) or decided in this run; ids absent here are read from the tables. */
    private readonly orders: Map<string, StoredOrder | null>,
    private readonly claims: Map<string, UserClaim[]>,
  ) {}

  /** Reads what the run's PlaceOrders need, in one statement; `live` answers the rest (after a flush). */
  static async read(
    em: EntityManager,
    live: OrderingState,
    pending: PendingFolds,
    places: ReadonlyArray<{ orderId: string; userId: string; storeId: string; items: ReadonlyArray<{ sku: string }> }>,
  ): Promise<OrderRun> {
    const storeIds = [...new Set(places.map((o) => o.storeId))];
    const skus = [...new Set(places.flatMap((o) => o.items.map((i) => i.sku)))];
    const orderIds = [...new Set(places.map((o) => o.orderId))];
    const userIds = [...new Set(places.map((o) => o.userId))];
    const none = { stores: [], products: [], orders: [], claims: [] };
    const [found]: Array<{ stores: Array<{ storeId: string; merchantId: string }>; products: Array<OrderProduct & { merchantId: string }>; orders: string[]; claims: ClaimRow[] }> = places.length
      ? await em.query(runReadsQuery(em), [storeIds, skus, orderIds, userIds])
      : [none];
    const storeMerchants = new Map(found.stores.map((s) => [s.storeId, s.merchantId]));
    const bySku = new Map(skus.map((s) => [s, new Map<string, OrderProduct>()]));
    for (const { merchantId, ...p } of found.products) bySku.get(p.sku)?.set(merchantId, p);
    const existingIds = new Set(found.orders);
    const claims = new Map(userIds.map((u) => [u, [] as UserClaim[]]));
    for (const r of found.claims) claims.get(r.user_id)!.push(claimFromRow(r));
    return new OrderRun(
      pending,
      live,
      new Map(storeIds.map((s) => [s, storeMerchants.get(s) ?? null])),
      bySku,
      new Map(orderIds.filter((id) => !existingIds.has(id)).map((id) => [id, null])),
      claims,
    );
  }

  async storeMerchant(storeId: string): Promise<string | null> {
    return this.stores.has(storeId) ? this.stores.get(storeId)! : (await this.fromTables()).storeMerchant(storeId);
  }

  async products(merchantId: string, skus: string[]): Promise<Map<string, OrderProduct>> {
    if (!skus.every((s) => this.productsBySku.has(s))) return (await this.fromTables()).products(merchantId, skus);
    return new Map(skus.flatMap((s) => {
      const p = this.productsBySku.get(s)!.get(merchantId);
      return p ? [[s, p] as const] : [];
    }));
  }

  async order(orderId: string, forUpdate: boolean): Promise<StoredOrder | null> {
    // A lock is taken in the tables only.
    if (!forUpdate && this.orders.has(orderId)) return this.orders.get(orderId)!;
    return (await this.fromTables()).order(orderId, forUpdate);
  }

  async claimsOf(userId: string): Promise<UserClaim[]> {
    let claims = this.claims.get(userId);
    if (!claims) {
      claims = await (await this.fromTables()).claimsOf(userId);
      // Kept from here on, so that the run's next decisions for the user see this one's redemption.
      this.claims.set(userId, claims);
    }
    return [...claims];
  }

  async redeemedBy(claimId: string): Promise<string | null> {
    return (await this.fromTables()).redeemedBy(claimId);
  }

  async claim(claimId: string): Promise<UserClaim | null> {
    return (await this.fromTables()).claim(claimId);
  }

  /** Takes a decision's events in: the next decisions of the run see them (the pipeline folds them). */
  decided(events: readonly Envelope[]): void {
    for (const e of events) {
      switch (e.type) {
        case OrderingEventTypes.orderProcessed: {
          const p = e.payload as OrderProcessed;
          // Only an order known to be new is taken in: folding keeps the first OrderProcessed of an order id, so a
          // repeat changes nothing, and an order in the tables (maybe cancelled since) is read from there.
          if (this.orders.get(p.orderId) !== null) break;
          this.orders.set(p.orderId, {
            orderId: p.orderId, userId: p.userId, storeId: p.storeId, status: 'PROCESSED', items: p.items, subtotal: p.subtotal, discount: p.discount,
            total: p.total, currency: p.currency, appliedCoupon: p.appliedCoupon, processedAt: p.processedAt,
          });
          break;
        }
        case OrderingEventTypes.couponRedeemed: {
          const p = e.payload as CouponRedeemed;
          const claims = this.claims.get(p.userId);
          if (claims) this.claims.set(p.userId, claims.map((c) => (c.claimId === p.claimId ? { ...c, status: 'REDEEMED' as const } : c)));
          break;
        }
        case OrderingEventTypes.orderRejected:
          break;
        default: {
          // A cancellation (or anything else) changes what the snapshot can't follow: its order and the user's
          // claims are read from the tables again, after this event is folded.
          const p = e.payload as { orderId?: string; userId?: string };
          if (p.orderId) this.orders.delete(p.orderId);
          if (p.userId) this.claims.delete(p.userId);
        }
      }
    }
  }

  private async fromTables(): Promise<OrderingState> {
    await this.pending.flush();
    return this.live;
  }
}

/** The events reordered for folding: within each stretch of {@link DISJOINT_FOLDS} types, grouped by type (stable). */
export function inFoldOrder(events: readonly Envelope[]): Envelope[] {
  const out: Envelope[] = [];
  let stretch = new Map<string, Envelope[]>();
  const close = () => {
    for (const group of stretch.values()) out.push(...group);
    stretch = new Map();
  };
  for (const e of events) {
    if (!DISJOINT_FOLDS.has(e.type)) {
      close();
      out.push(e);
      continue;
    }
    const group = stretch.get(e.type);
    if (group) group.push(e);
    else stretch.set(e.type, [e]);
  }
  close();
  return out;
}
