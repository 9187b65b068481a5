import { Injectable, Logger } from '@nestjs/common';
import {
  CatalogCommandRejected, CatalogCommandTypes, CatalogEventTypes, ChangeCouponStock, CouponAdminView, CouponCreated, CouponEditCommandTypes,
  CouponEditEventTypes, CouponStockChangeRejected, CouponStockChanged, CouponStockCommandTypes, CouponStockEventTypes, CreateCoupon, GetCouponQuery,
  MerchantScoped, ProductUpserted, Queries, SetStoreDisplays, StoreDisplaysSet, StoreUpserted, Topics, UpdateCoupon, UpsertProduct, UpsertStore,
  DEFAULT_COUPON_TIME_ZONE, parseApiTimestamp,
} from '@coupons/contracts';
import { couponEditRefusal, toGtin14 } from '@coupons/coupon-rules';
import { randomBytes } from 'node:crypto';
import { MerchantScope } from '../auth/roles';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { CommandBus, CommandResult } from '../messaging/command-bus';
import { refusal } from '../messaging/outcome-errors';
import { QueryClient } from '../messaging/query-client';
import { ScanReadModel } from '../scans/scan-read-model';
import { CreateCouponRequest, couponCrossFieldProblems } from './dto/create-coupon.dto';
import { SetDisplaysRequest } from './dto/set-displays.dto';
import { UpdateCouponRequest, updateCouponProblems } from './dto/update-coupon.dto';
import { UpsertProductRequest } from './dto/upsert-product.dto';

/** Optional request context: a deterministic command id when the request carried an Idempotency-Key. */
export interface AdminRequestContext {
  correlationId: string;
  commandId?: string;
  outcomeQuery?: { pattern: string; topic: string };
  /** With commandId: the request's fingerprint (see CommandSpec). */
  requestHash?: string;
}

/** The sender fields of a catalog command (asAdmin only when set, so a merchant's command reads as before). */
const sender = (scope: MerchantScope): MerchantScoped => ({ merchantId: scope.merchantId, ...(scope.asAdmin ? { asAdmin: true } : {}) });

/**
 * Merchant admin: each write is a catalog command keyed by its aggregate id; the answer is the outcome event whose
 * causationId is the command id (CatalogCommandRejected becomes its HTTP error). Before answering, the gateway's scan
 * read model has folded that event too, so a scan right after a merchant's write sees it (read-your-writes on this
 * instance; other instances fold it within their consumer lag).
 */
@Injectable()
export class CatalogAdminService {
  private readonly logger = new Logger(CatalogAdminService.name);

  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryClient,
    private readonly scanModel: ScanReadModel,
    private readonly env: GatewayEnv,
  ) {}

  async upsertStore(storeId: string, name: string, scope: MerchantScope, ctx: AdminRequestContext) {
    const payload: UpsertStore = { ...sender(scope), storeId, name };
    const event = this.expect<StoreUpserted>(await this.send(CatalogCommandTypes.upsertStore, storeId, payload, ctx), CatalogEventTypes.storeUpserted);
    return { storeId: event.storeId, name: event.name, merchantId: event.merchantId };
  }

  async upsertProduct(sku: string, body: UpsertProductRequest, scope: MerchantScope, ctx: AdminRequestContext) {
    let gtin: string | null = null;
    if (body.gtin != null) {
      gtin = toGtin14(body.gtin);
      // The DTO already checked it; a null here would be a disagreement between the validator and the normalizer.
      if (!gtin) throw ApiError.validation([{ field: 'gtin', message: 'gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit' }]);
    }
    const payload: UpsertProduct = {
      ...sender(scope), sku, name: body.name, price: body.price, currency: body.currency ?? 'CNY', gtin, category: body.category ?? null, brand: body.brand ?? null,
    };
    const e = this.expect<ProductUpserted>(await this.send(CatalogCommandTypes.upsertProduct, sku, payload, ctx), CatalogEventTypes.productUpserted);
    return {
      sku: e.sku, name: e.name, price: e.price, currency: e.currency, gtin: e.gtin ?? null, category: e.category ?? null, brand: e.brand ?? null,
      merchantId: e.merchantId,
    };
  }

  async createCoupon(body: CreateCouponRequest, scope: MerchantScope, ctx: AdminRequestContext & { couponId?: string }): Promise<CouponAdminView> {
    const problems = couponCrossFieldProblems(body);
    if (problems.length) throw ApiError.validation(problems);
    const couponId = ctx.couponId ?? `cpn_${randomBytes(9).toString('base64url')}`;
    const utc = (t?: string | null) => {
      const epoch = parseApiTimestamp(t);
      return epoch === null ? null : new Date(epoch).toISOString();
    };
    const discount = body.discount.type === 'AMOUNT_OFF'
      ? { type: 'AMOUNT_OFF' as const, amount: body.discount.amount }
      : { type: 'PERCENT_OFF' as const, percent: body.discount.percent, maxDiscount: body.discount.maxDiscount ?? null };
    const target: CreateCoupon['target'] = {};
    if (body.target?.skus?.length) target.skus = [...new Set(body.target.skus)];
    if (body.target?.categories?.length) target.categories = [...new Set(body.target.categories)];
    if (body.target?.brands?.length) target.brands = [...new Set(body.target.brands)];
    const payload: CreateCoupon = {
      ...sender(scope),
      couponId,
      title: body.title,
      discount,
      minSpend: body.minSpend ?? 0,
      target,
      storeIds: [...new Set(body.storeIds ?? [])],
      totalQuantity: body.totalQuantity,
      perUserLimit: body.perUserLimit ?? 1,
      claimableFrom: utc(body.claimableFrom),
      claimableUntil: utc(body.claimableUntil),
      validDaysAfterClaim: body.validDaysAfterClaim ?? null,
      validUntil: utc(body.validUntil),
      priority: body.priority ?? 0,
      dailyQuantity: body.dailyQuantity ?? null,
      perUserDailyLimit: body.perUserDailyLimit ?? null,
      timeZone: body.timeZone ?? DEFAULT_COUPON_TIME_ZONE,
    };
    const e = this.expect<CouponCreated>(await this.send(CatalogCommandTypes.createCoupon, couponId, payload, ctx), CatalogEventTypes.couponCreated);
    return {
      couponId: e.couponId, merchantId: e.merchantId, title: e.title, discount: e.discount, minSpend: e.minSpend, target: e.target ?? {}, storeIds: e.storeIds,
      totalQuantity: e.totalQuantity, perUserLimit: e.perUserLimit, claimableFrom: e.claimableFrom ?? null, claimableUntil: e.claimableUntil ?? null,
      validDaysAfterClaim: e.validDaysAfterClaim ?? null, validUntil: e.validUntil ?? null, priority: e.priority,
      dailyQuantity: e.dailyQuantity ?? null, perUserDailyLimit: e.perUserDailyLimit ?? null, timeZone: e.timeZone ?? DEFAULT_COUPON_TIME_ZONE, status: e.status,
      issued: 0, redeemed: 0, createdAt: e.createdAt,
    };
  }

  async getCoupon(couponId: string, scope: MerchantScope, correlationId: string): Promise<CouponAdminView> {
    const query: GetCouponQuery = scope.asAdmin ? { couponId } : { couponId, merchantId: scope.merchantId };
    const reply = await this.queries.query<CouponAdminView>(Queries.getCoupon, query, correlationId);
    if (!reply.ok) throw refusal(reply.code, reply.message);
    if (!reply.value) throw ApiError.notFound('COUPON_NOT_FOUND', `no coupon ${couponId}`);
    return reply.value;
  }

  async setDisplays(storeId: string, body: SetDisplaysRequest, scope: MerchantScope, ctx: AdminRequestContext) {
    const payload: SetStoreDisplays = { ...sender(scope), storeId, items: body.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
    const e = this.expect<StoreDisplaysSet>(await this.send(CatalogCommandTypes.setStoreDisplays, storeId, payload, ctx), CatalogEventTypes.storeDisplaysSet);
    return { storeId: e.storeId, items: e.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
  }

  // --- Coupon edits (PATCH /v1/admin/coupons/{couponId}) ---

  /**
   * Edits a coupon: stock terms (totalQuantity, perUserLimit) are a wallet command, decided in order with the coupon's
   * claims against the exact issued count; the other fields a catalog command. Answered "all or nothing" as far as
   * the request decides it: everything is checked against the coupon first (ENDED, claimableUntil later, perUserLimit
   * up, totalQuantity not below the issued count the catalog knows, which never exceeds the wallet's), then the
   * wallet's part, the one that can still be refused on what only the wallet knows (claims in flight), then the
   * catalog's. Only a concurrent edit between the two (another merchant session ending the coupon) can refuse the
   * second after the first is made; the error then says the stock change was made.
   */
  async updateCoupon(couponId: string, body: UpdateCouponRequest, scope: MerchantScope, ctx: AdminRequestContext): Promise<CouponAdminView> {
    const problems = updateCouponProblems(body);
    if (problems.length) throw ApiError.validation(problems);
    // Scoped: another merchant's coupon is 404 here, before anything is sent. The wallet keeps no owners, so this read
    // is what keeps a stock change to the coupon's merchant (ownership never changes); the catalog's edit checks again.
    const current = await this.getCoupon(couponId, scope, ctx.correlationId);
    this.precheckEdit(current, body);
    let terms: CouponStockChanged | null = null;
    if (body.totalQuantity !== undefined || body.perUserLimit !== undefined) terms = await this.changeStock(couponId, body, ctx);
    if (body.title !== undefined || body.priority !== undefined || body.claimableUntil !== undefined || body.status !== undefined) {
      const until = parseApiTimestamp(body.claimableUntil);
      const payload: UpdateCoupon = {
        ...sender(scope),
        couponId,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.priority !== undefined ? { priority: body.priority } : {}),
        ...(until !== null ? { claimableUntil: new Date(until).toISOString() } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
      };
      try {
        this.expect(await this.send(CouponEditCommandTypes.updateCoupon, couponId, payload, ctx), CouponEditEventTypes.couponUpdated);
      } catch (err) {
        if (terms && err instanceof ApiError) {
          throw new ApiError(err.status, err.code, `${err.message}; the stock change (totalQuantity ${terms.totalQuantity}, perUserLimit ${terms.perUserLimit}) was made`, err.details);
        }
        throw err;
      }
    }
    const view = await this.getCoupon(couponId, scope, ctx.correlationId);
    // The catalog folds the wallet's CouponStockChanged within its consumer lag; the answer shows the decided terms.
    return terms ? { ...view, totalQuantity: terms.totalQuantity, perUserLimit: terms.perUserLimit, issued: Math.max(view.issued, terms.issued) } : view;
  }

  /** Refusals the coupon as the catalog shows it already decides, before anything is sent (the rules both deciders use). */
  private precheckEdit(c: CouponAdminView, body: UpdateCouponRequest): void {
    const r = couponEditRefusal(
      { couponId: c.couponId, status: c.status, claimableUntil: parseApiTimestamp(c.claimableUntil), perUserLimit: c.perUserLimit, issued: c.issued },
      { claimableUntil: parseApiTimestamp(body.claimableUntil) ?? undefined, perUserLimit: body.perUserLimit, totalQuantity: body.totalQuantity },
    );
    if (r) throw refusal(r.code, r.message, [{ field: r.field, message: r.fieldMessage }], r.httpStatus);
  }

  /** The wallet's part: its answer, or its refusal as the HTTP error (naming the field), silence a 503. */
  private async changeStock(couponId: string, body: UpdateCouponRequest, ctx: AdminRequestContext): Promise<CouponStockChanged> {
    const payload: ChangeCouponStock = {
      couponId,
      ...(body.totalQuantity !== undefined ? { totalQuantity: body.totalQuantity } : {}),
      ...(body.perUserLimit !== undefined ? { perUserLimit: body.perUserLimit } : {}),
    };
    const result = await this.commands.execute({
      topic: Topics.walletCommands, type: CouponStockCommandTypes.changeCouponStock, key: couponId, payload, correlationId: ctx.correlationId,
      outcomeQuery: { pattern: Queries.commandOutcome.wallet, topic: Topics.walletEvents },
    });
    const o = result.outcome;
    if (!o) {
      throw ApiError.unavailable('the wallet did not confirm the stock change in time; it may still be applied, so retry the same request', [
        { commandId: result.command.eventId, message: 'no outcome yet' },
      ]);
    }
    if (o.envelope.type === CouponStockEventTypes.couponStockChangeRejected) {
      const r = o.envelope.payload as CouponStockChangeRejected;
      throw refusal(r.code, r.message, r.field ? [{ field: r.field, message: r.message }] : [], r.httpStatus);
    }
    if (o.envelope.type !== CouponStockEventTypes.couponStockChanged) throw new Error(`unexpected outcome ${o.envelope.type} for ChangeCouponStock ${result.command.eventId}`);
    // Scans on this instance show the new stock right after the answer, as for catalog writes.
    if (!(await this.scanModel.waitFor(o.topic, o.partition, o.offset, this.env.REQUEST_TIMEOUT_MS))) {
      this.logger.warn(`the scan read model had not folded ${o.topic}:${o.partition}:${o.offset} (ChangeCouponStock) within ${this.env.REQUEST_TIMEOUT_MS} ms`);
    }
    return o.envelope.payload as CouponStockChanged;
  }

  private async send<T extends object>(type: string, key: string, payload: T, ctx: AdminRequestContext): Promise<CommandResult<T>> {
    const result = await this.commands.execute({
      topic: Topics.catalogCommands, type, key, payload, correlationId: ctx.correlationId, commandId: ctx.commandId, outcomeQuery: ctx.outcomeQuery,
      requestHash: ctx.requestHash,
    });
    const o = result.outcome;
    if (o && !(await this.scanModel.waitFor(o.topic, o.partition, o.offset, this.env.REQUEST_TIMEOUT_MS))) {
      // The change is made; only this instance's scans lag behind it. Answer, and say so in the log.
      this.logger.warn(`the scan read model had not folded ${o.topic}:${o.partition}:${o.offset} (${type}) within ${this.env.REQUEST_TIMEOUT_MS} ms`);
    }
    return result;
  }

  /** The expected outcome's payload; a rejection becomes its error, silence a 503 the merchant may retry. */
  private expect<E>(result: CommandResult<object>, type: string): E {
    const outcome = result.outcome;
    if (!outcome) {
      throw ApiError.unavailable('the catalog did not confirm the change in time; it may still be applied, so retry the same request', [
        { commandId: result.command.eventId, message: 'no outcome yet' },
      ]);
    }
    const env = outcome.envelope;
    if (env.type === CatalogEventTypes.commandRejected) {
      const r = env.payload as CatalogCommandRejected;
      throw refusal(r.code, r.message, r.details ?? [], r.httpStatus);
    }
    if (env.type !== type) throw new Error(`unexpected outcome ${env.type} for ${result.command.type} ${result.command.eventId}`);
    return env.payload as E;
  }
}
