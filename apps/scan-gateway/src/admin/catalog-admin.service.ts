import { Injectable, Logger } from '@nestjs/common';
import {
  AdminPage, CatalogCommandRejected, CatalogCommandTypes, CatalogEventTypes, CouponAdminView, CouponCreated, CreateCoupon, GetCouponQuery, MerchantScoped,
  ProductUpserted,
  Queries, SetCouponStatus, SetStoreDisplays, StoreDisplaysSet, StoreUpserted, Topics, UpsertProduct, UpsertStore,
  decodeListCursor, parseApiTimestamp,
} from '@coupons/contracts';
import { toGtin14 } from '@coupons/coupon-rules';
import { randomBytes } from 'node:crypto';
import { MerchantScope } from '../auth/roles';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { CommandBus, CommandResult } from '../messaging/command-bus';
import { refusal } from '../messaging/outcome-errors';
import { QueryClient } from '../messaging/query-client';
import { ScanReadModel } from '../scans/scan-read-model';
import { CreateCouponRequest, couponCrossFieldProblems } from './dto/create-coupon.dto';
import { AdminListRequest, DEFAULT_ADMIN_PAGE } from './dto/admin-lists.dto';
import { SetDisplaysRequest } from './dto/set-displays.dto';
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
    };
    const e = this.expect<CouponCreated>(await this.send(CatalogCommandTypes.createCoupon, couponId, payload, ctx), CatalogEventTypes.couponCreated);
    return {
      couponId: e.couponId, merchantId: e.merchantId, title: e.title, discount: e.discount, minSpend: e.minSpend, target: e.target ?? {}, storeIds: e.storeIds,
      totalQuantity: e.totalQuantity, perUserLimit: e.perUserLimit, claimableFrom: e.claimableFrom ?? null, claimableUntil: e.claimableUntil ?? null,
      validDaysAfterClaim: e.validDaysAfterClaim ?? null, validUntil: e.validUntil ?? null, priority: e.priority, status: e.status,
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

  /**
   * A merchant's list (the operator's: every merchant's), asked of the catalog. `ids` is the number of ids in the
   * list's cursor key, so a cursor of another list (or made up) is 400 naming the field, not an empty page.
   */
  async list<T>(pattern: string, ids: number, request: AdminListRequest & object, scope: MerchantScope, correlationId: string): Promise<AdminPage<T>> {
    if (request.cursor !== undefined && !decodeListCursor(request.cursor, ids)) {
      throw ApiError.validation([{ field: 'cursor', message: 'cursor must be a nextCursor from this list' }]);
    }
    const query = { ...request, limit: request.limit ?? DEFAULT_ADMIN_PAGE, ...(scope.asAdmin ? {} : { merchantId: scope.merchantId }) };
    const reply = await this.queries.query<AdminPage<T>>(pattern, query, correlationId);
    if (!reply.ok) throw refusal(reply.code, reply.message);
    return reply.value;
  }

  async setCouponStatus(couponId: string, status: SetCouponStatus['status'], scope: MerchantScope, ctx: AdminRequestContext): Promise<CouponAdminView> {
    const payload: SetCouponStatus = { ...sender(scope), couponId, status };
    this.expect(await this.send(CatalogCommandTypes.setCouponStatus, couponId, payload, ctx), CatalogEventTypes.couponStatusChanged);
    // The catalog folds the event into its projection before publishing it, so the view already shows the change.
    return this.getCoupon(couponId, scope, ctx.correlationId);
  }

  async setDisplays(storeId: string, body: SetDisplaysRequest, scope: MerchantScope, ctx: AdminRequestContext) {
    const payload: SetStoreDisplays = { ...sender(scope), storeId, items: body.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
    const e = this.expect<StoreDisplaysSet>(await this.send(CatalogCommandTypes.setStoreDisplays, storeId, payload, ctx), CatalogEventTypes.storeDisplaysSet);
    return { storeId: e.storeId, items: e.items.map((i) => ({ sku: i.sku, headline: i.headline })) };
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
