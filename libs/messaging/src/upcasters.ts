import { CatalogCommandTypes, CatalogEventTypes, DEFAULT_MERCHANT_ID, DecodeResult, Envelope, decodeMessage } from '@coupons/contracts';

/** Turns the payload of one version of an event type into the payload of the next version. Pure: no clock, no I/O. */
export type Upcaster = (payload: any, envelope: Envelope<any>) => any;

/**
 * Schema evolution of events (DESIGN.md "Event sourcing rules": topics are the record, so old events stay on them
 * forever). Compatible changes bump the envelope `version`; an upcaster per (type, version) upgrades an older payload
 * one step, and {@link UpcasterRegistry.upcast} chains them up to the newest version. Applied before validation by
 * the consumer runtime and by the replay tool, so folds and decisions only ever see current payloads.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();

  /** Registers the step from `fromVersion` to `fromVersion + 1` of `type`. */
  register(type: string, fromVersion: number, up: Upcaster): this {
    const key = `${type}@${fromVersion}`;
    if (this.steps.has(key)) throw new Error(`an upcaster for ${key} is already registered`);
    this.steps.set(key, up);
    return this;
  }

  /** The envelope with its payload upgraded through every registered step (the same object when none applies). */
  upcast = (env: Envelope<any>): Envelope<any> => {
    let out = env;
    for (let guard = 0; guard < 100; guard++) {
      const step = this.steps.get(`${out.type}@${out.version}`);
      if (!step) return out;
      out = { ...out, version: out.version + 1, payload: step(out.payload, out) };
    }
    throw new Error(`upcasters for ${env.type} loop`);
  };

  /** contracts decodeMessage with this registry's upcasting before validation. */
  decode = (value: Buffer | string | object | null): DecodeResult => decodeMessage(value, this.upcast);
}

/**
 * The project's upcasters.
 *
 * CouponCreated v1 -> v2: the first CouponCreated events carried neither `status` nor `createdAt` (a coupon was
 * created ACTIVE, and its creation time was the event's). v2 has both. The step fills them in from what v1 meant:
 * `status` ACTIVE, `createdAt` the envelope's occurredAt (never the clock, so a replay rebuilds the same row).
 * Values already present are kept: the catalog stamped `version: 1` on complete payloads for a while.
 */
export const upcasters = new UpcasterRegistry().register(CatalogEventTypes.couponCreated, 1, (p, env) => ({
  ...p,
  status: p.status ?? 'ACTIVE',
  createdAt: p.createdAt ?? env.occurredAt,
}));

/**
 * Tenancy: catalog commands and events written before it named no merchant; everything then was one merchant's,
 * {@link DEFAULT_MERCHANT_ID}. The step gives it to them and keeps a merchantId already there (the services still
 * stamp version 1, so current messages pass through it unchanged). CouponCreated takes it after its v1 step.
 */
const withDefaultMerchant: Upcaster = (p) => ({ ...p, merchantId: p.merchantId ?? DEFAULT_MERCHANT_ID });
for (const type of [
  CatalogEventTypes.storeUpserted, CatalogEventTypes.productUpserted, CatalogEventTypes.couponStatusChanged, CatalogEventTypes.storeDisplaysSet,
  ...Object.values(CatalogCommandTypes),
]) upcasters.register(type, 1, withDefaultMerchant);
upcasters.register(CatalogEventTypes.couponCreated, 2, withDefaultMerchant);

/** What the consumer runtime and the replay tool decode with: validation after the project's upcasters. */
export const decodeWithUpcasters = (value: Buffer | string | object | null): DecodeResult => upcasters.decode(value);
