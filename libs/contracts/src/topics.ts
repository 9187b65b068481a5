/**
 * Kafka topic names. Versioned: a breaking change of a topic's payloads gets a new topic, while compatible
 * evolution bumps the envelope `version` and is upcast by the folds.
 */
export const Topics = {
  /** Merchant admin commands, keyed by the aggregate id (storeId, sku or couponId). */
  catalogCommands: 'catalog.commands.v1',
  /** Catalog facts: stores, products, coupons, displays. Keyed by aggregate id. */
  catalogEvents: 'catalog.events.v1',
  /** Claim commands, keyed by couponId so that stock and per-user limits have one serial writer. */
  walletCommands: 'wallet.commands.v1',
  /** Claim outcomes, keyed by couponId. */
  walletEvents: 'wallet.events.v1',
  /** Order commands, keyed by userId so that one user's coupons are spent by one serial writer. */
  orderingCommands: 'ordering.commands.v1',
  /** Order outcomes and redemptions, keyed by userId. */
  orderingEvents: 'ordering.events.v1',
  /** Messages that failed validation or whose handler failed for good, with the error. */
  deadLetter: 'dead-letter.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/**
 * Request/reply query patterns (NestJS ClientKafka.send / @MessagePattern). Replies go to `<pattern>.reply`.
 * Queries read projections and never change state.
 */
export const Queries = {
  getCoupon: 'catalog.coupon-get.v1',
  /** A merchant's stores, products, coupons (the operator's: every merchant's), newest first, cursor-paged. */
  listStores: 'catalog.store-list.v1',
  listProducts: 'catalog.product-list.v1',
  listCoupons: 'catalog.coupon-list.v1',
  getWallet: 'wallet.list.v1',
  getOrder: 'ordering.order-get.v1',
  /** A user's own orders, newest first, cursor-paged. */
  listOrders: 'ordering.order-list.v1',
  /** Outcome of a command already decided (idempotent repeats, or a gateway that restarted while waiting). */
  commandOutcome: {
    catalog: 'catalog.command-outcome.v1',
    wallet: 'wallet.command-outcome.v1',
    ordering: 'ordering.command-outcome.v1',
  },
} as const;

/** Kafka header names carried on every message. */
export const Headers = {
  type: 'x-type',
  version: 'x-version',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  /** On a dead-lettered message: why it failed, and where it came from. */
  error: 'x-dlq-error',
  sourceTopic: 'x-dlq-topic',
  sourcePartition: 'x-dlq-partition',
  sourceOffset: 'x-dlq-offset',
} as const;
