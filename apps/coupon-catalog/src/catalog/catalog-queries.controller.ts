import { CommandOutcomeQuery, CouponAdminView, Envelope, GetCouponQuery, Queries, ScanQuery, ScanResult } from '@coupons/contracts';
import { offersForScan } from '@coupons/coupon-rules';
import { answerQuery, findCommandOutcome, parseQuery } from '@coupons/messaging';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { CouponEntity, CouponUsageEntity, ProductEntity, StoreDisplayEntity, StoreEntity } from './entities';
import { couponAdminView, couponDefinition, offerView, productInfo, scanProductView } from './mappers';

/** Read-only request/reply queries over Kafka (the gateway's ClientKafka.send). */
@Controller()
export class CatalogQueriesController {
  constructor(private readonly dataSource: DataSource, private readonly logger: PinoLogger) {
    logger.setContext(CatalogQueriesController.name);
  }

  private readonly logError = (err: unknown) => this.logger.error({ err }, 'query failed');

  @MessagePattern(Queries.scan)
  scan(@Payload() data: unknown) {
    return answerQuery<ScanResult>(async () => {
      const parsed = parseQuery(ScanQuery, data);
      if (!parsed.ok) return parsed.reply;
      return { ok: true, value: await this.scanResult(parsed.query, new Date()) };
    }, this.logError);
  }

  @MessagePattern(Queries.getCoupon)
  getCoupon(@Payload() data: unknown) {
    return answerQuery<CouponAdminView>(async () => {
      const parsed = parseQuery(GetCouponQuery, data);
      if (!parsed.ok) return parsed.reply;
      const { couponId } = parsed.query;
      const coupon = await this.dataSource.manager.findOneBy(CouponEntity, { couponId });
      if (!coupon) return { ok: false, code: 'COUPON_NOT_FOUND', message: `no coupon ${couponId}` };
      const usage = await this.dataSource.manager.findOneBy(CouponUsageEntity, { couponId });
      return { ok: true, value: couponAdminView(coupon, usage) };
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

  /**
   * Product by GTIN (else sku), the store if known, offers ranked by the shared rules over the candidate coupons the
   * SQL prefilter keeps (ACTIVE via the status index, in window, stock left, store and product plausible), and the
   * store's displays.
   */
  async scanResult(q: ScanQuery, now: Date): Promise<ScanResult> {
    const em = this.dataSource.manager;
    let product: ProductEntity | null = null;
    if (q.gtin) product = await em.findOneBy(ProductEntity, { gtin: q.gtin });
    if (!product && q.sku) product = await em.findOneBy(ProductEntity, { sku: q.sku });
    // An unknown store counts as no store: it neither excludes store coupons nor scores them.
    const storeId = q.storeId && (await em.countBy(StoreEntity, { storeId: q.storeId })) > 0 ? q.storeId : null;

    const qb = em
      .createQueryBuilder(CouponEntity, 'c')
      .leftJoin(CouponUsageEntity, 'u', 'u.coupon_id = c.coupon_id')
      .addSelect('COALESCE(u.issued, 0)', 'issued')
      .where(`c.status = 'ACTIVE'`)
      .andWhere('(c.claimable_from IS NULL OR c.claimable_from <= :now)', { now })
      .andWhere('(c.claimable_until IS NULL OR c.claimable_until >= :now)', { now })
      .andWhere('c.total_quantity > COALESCE(u.issued, 0)');
    if (storeId) qb.andWhere('(cardinality(c.store_ids) = 0 OR :storeId = ANY(c.store_ids))', { storeId });
    const noTarget = '(cardinality(c.target_skus) = 0 AND cardinality(c.target_categories) = 0 AND cardinality(c.target_brands) = 0)';
    if (product) {
      qb.andWhere(
        `(${noTarget} OR :sku = ANY(c.target_skus) OR (:category::text IS NOT NULL AND :category = ANY(c.target_categories)) OR (:brand::text IS NOT NULL AND :brand = ANY(c.target_brands)))`,
        { sku: product.sku, category: product.category, brand: product.brand },
      );
    } else {
      qb.andWhere(noTarget);
    }
    const { entities, raw } = await qb.getRawAndEntities<{ c_coupon_id: string; issued: string | number }>();
    const issued = new Map(raw.map((r) => [r.c_coupon_id, Number(r.issued)]));
    const coupons = entities.map((c) => ({ coupon: couponDefinition(c), issued: issued.get(c.couponId) ?? 0 }));
    const { offers, best } = offersForScan({ product: product ? productInfo(product) : null, storeId, coupons, now: now.getTime() });

    const displays = storeId
      ? await em
          .createQueryBuilder(StoreDisplayEntity, 'd')
          .innerJoin(ProductEntity, 'p', 'p.sku = d.sku')
          .select(['d.sku AS sku', 'd.headline AS headline', 'p.name AS name', 'p.price AS price', 'p.currency AS currency'])
          .where('d.store_id = :storeId', { storeId })
          .orderBy('d.position', 'ASC')
          .getRawMany<{ sku: string; headline: string; name: string; price: string; currency: string }>()
      : [];

    return {
      product: product ? scanProductView(product) : null,
      storeId,
      coupons: offers.map(offerView),
      best: best ? offerView(best) : null,
      displays: displays.map((d) => ({ sku: d.sku, name: d.name, headline: d.headline, price: Number(d.price), currency: d.currency })),
    };
  }
}
