import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import * as catalogCommands from './catalog/catalog.commands';
import * as catalogEvents from './catalog/catalog.events';
import { conformingInstance } from './conformance';
import { Envelope, isEnvelope } from './envelope';
import * as orderingCommands from './ordering/ordering.commands';
import * as orderingEvents from './ordering/ordering.events';
import * as walletCommands from './wallet/wallet.commands';
import * as walletEvents from './wallet/wallet.events';

/** Message type -> payload class, for every command and event on Kafka. */
export const PayloadClasses: Readonly<Record<string, ClassConstructor<object>>> = {
  UpsertStore: catalogCommands.UpsertStore,
  UpsertProduct: catalogCommands.UpsertProduct,
  CreateCoupon: catalogCommands.CreateCoupon,
  SetCouponStatus: catalogCommands.SetCouponStatus,
  SetStoreDisplays: catalogCommands.SetStoreDisplays,
  StoreUpserted: catalogEvents.StoreUpserted,
  ProductUpserted: catalogEvents.ProductUpserted,
  CouponCreated: catalogEvents.CouponCreated,
  CouponStatusChanged: catalogEvents.CouponStatusChanged,
  StoreDisplaysSet: catalogEvents.StoreDisplaysSet,
  CatalogCommandRejected: catalogEvents.CatalogCommandRejected,
  ClaimCoupon: walletCommands.ClaimCoupon,
  CouponClaimed: walletEvents.CouponClaimed,
  ClaimRejected: walletEvents.ClaimRejected,
  UpdateCoupon: catalogCommands.UpdateCoupon,
  CouponUpdated: catalogEvents.CouponUpdated,
  ChangeCouponStock: walletCommands.ChangeCouponStock,
  CouponStockChanged: walletEvents.CouponStockChanged,
  CouponStockChangeRejected: walletEvents.CouponStockChangeRejected,
  PlaceOrder: orderingCommands.PlaceOrder,
  CancelOrder: orderingCommands.CancelOrder,
  OrderProcessed: orderingEvents.OrderProcessed,
  OrderRejected: orderingEvents.OrderRejected,
  OrderCancelled: orderingEvents.OrderCancelled,
  OrderCancelRejected: orderingEvents.OrderCancelRejected,
  CouponRedeemed: orderingEvents.CouponRedeemed,
  CouponReleased: orderingEvents.CouponReleased,
};

export type DecodeResult = { ok: true; envelope: Envelope<unknown> } | { ok: false; reason: string };

/** Flattens class-validator errors into `field: constraint` lines (nested paths joined with dots). */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) out.push(`${path}: ${message}`);
    if (e.children?.length) out.push(...describeValidationErrors(e.children, path));
  }
  return out;
}

/**
 * Parses and validates a Kafka message value: the envelope's shape, then its payload against the class registered
 * for its type. Unknown types and invalid payloads are reported, never thrown, so a consumer can dead-letter them.
 * `upcast` may turn an older payload version into the current one before validation.
 */
export function decodeMessage(
  value: Buffer | string | object | null,
  upcast?: (env: Envelope<unknown>) => Envelope<unknown>,
): DecodeResult {
  let parsed: unknown = value;
  try {
    if (value === null) return { ok: false, reason: 'empty message' };
    if (Buffer.isBuffer(value)) parsed = JSON.parse(value.toString('utf8'));
    else if (typeof value === 'string') parsed = JSON.parse(value);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (!isEnvelope(parsed)) return { ok: false, reason: 'not a message envelope' };
  // An upcaster or class-transformer can throw on a payload of an odd shape (class-transformer does on a nested plain
  // object with a `constructor` key): that is an invalid message (dead-lettered), never an exception for the consumer.
  try {
    const env = upcast ? upcast(parsed) : parsed;
    const cls = PayloadClasses[env.type];
    if (!cls) return { ok: false, reason: `unknown message type ${env.type}` };
    // A payload parsed here (no one else holds it) that certainly passes: the instance plainToInstance would build,
    // built without its generic walk and without validateSync's bookkeeping. The same shape as the full path's.
    if (parsed !== value) {
      const fast = conformingInstance(cls, env.payload);
      if (fast) return { ok: true, envelope: { ...env, payload: fast } };
    }
    const payload = plainToInstance(cls, env.payload);
    const errors = validateSync(payload, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) return { ok: false, reason: `invalid ${env.type}: ${describeValidationErrors(errors).join('; ')}` };
    return { ok: true, envelope: { ...env, payload } };
  } catch (err) {
    return { ok: false, reason: `invalid ${parsed.type}: ${(err as Error).message}` };
  }
}
