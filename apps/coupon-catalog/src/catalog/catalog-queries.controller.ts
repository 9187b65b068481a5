import {
  AdminListPage, CommandOutcomeQuery, CouponAdminView, CouponListItemView, Envelope, GetCouponQuery, ListCouponsQuery, ListProductsQuery,
  ListStoresQuery, ProductView, Queries, StoreView,
} from '@coupons/contracts';
import { answerQuery, findCommandOutcome, parseQuery } from '@coupons/messaging';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { CouponEntity, CouponUsageEntity } from './entities';
import { listCoupons, listProducts, listStores } from './catalog-lists';
import { couponAdminView } from './mappers';

/** Read-only request/reply queries over Kafka (the gateway's ClientKafka.send). Scans are the gateway's own (its scan
 *  model, libs/coupon-rules), not a query. */
@Controller()
export class CatalogQueriesController {
  constructor(private readonly dataSource: DataSource, private readonly logger: PinoLogger) {
    logger.setContext(CatalogQueriesController.name);
  }

  private readonly logError = (err: unknown) => this.logger.error({ err }, 'query failed');

  @MessagePattern(Queries.getCoupon)
  getCoupon(@Payload() data: unknown) {
    return answerQuery<CouponAdminView>(async () => {
      const parsed = parseQuery(GetCouponQuery, data);
      if (!parsed.ok) return parsed.reply;
      const { couponId, merchantId } = parsed.query;
      const coupon = await this.dataSource.manager.findOneBy(CouponEntity, { couponId });
      // Another merchant's coupon is not found, exactly as an unknown id; without merchantId (admin) every coupon is.
      if (!coupon || (merchantId !== undefined && coupon.merchantId !== merchantId)) return { ok: false, code: 'COUPON_NOT_FOUND', message: `no coupon ${couponId}` };
      const usage = await this.dataSource.manager.findOneBy(CouponUsageEntity, { couponId });
      return { ok: true, value: couponAdminView(coupon, usage) };
    }, this.logError);
  }

  /** A merchant's own stores (every store for the platform admin, merchantId null), newest first. */
  @MessagePattern(Queries.listStores)
  listStores(@Payload() data: unknown) {
    return answerQuery<AdminListPage<StoreView>>(async () => {
      const parsed = parseQuery(ListStoresQuery, data);
      return parsed.ok ? { ok: true, value: await listStores(this.dataSource.manager, parsed.query) } : parsed.reply;
    }, this.logError);
  }

  @MessagePattern(Queries.listProducts)
  listProducts(@Payload() data: unknown) {
    return answerQuery<AdminListPage<ProductView>>(async () => {
      const parsed = parseQuery(ListProductsQuery, data);
      return parsed.ok ? { ok: true, value: await listProducts(this.dataSource.manager, parsed.query) } : parsed.reply;
    }, this.logError);
  }

  @MessagePattern(Queries.listCoupons)
  listCoupons(@Payload() data: unknown) {
    return answerQuery<AdminListPage<CouponListItemView>>(async () => {
      const parsed = parseQuery(ListCouponsQuery, data);
      return parsed.ok ? { ok: true, value: await listCoupons(this.dataSource.manager, parsed.query) } : parsed.reply;
    }, this.logError);
  }

  @MessagePattern(Queries.commandOutcome.catalog)
  commandOutcome(@Payload() data: unknown) {
    return answerQuery<Envelope>(async () => {
      const parsed = parseQuery(CommandOutcomeQuery, data);
      if (!parsed.ok) return parsed.reply;
      const outcome = await findCommandOutcome(this.dataSource, parsed.query.commandId);
      return outcome ? { ok: true, value: outcome } : { ok: false, code: 'COMMAND_NOT_FOUND', message: `no outcome for command ${parsed.query.commandId}` };
    }, this.logError);
  }
}
