import {
  CatalogEventTypes, CouponAdminView, Envelope, Headers, Queries, ScanQuery, ScanResult, Topics, causedBy, decodeMessage,
} from '@coupons/contracts';
import { Consumer, IHeaders, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';

/** A command the fake catalog received, with where it was read. */
export interface ReceivedCommand {
  envelope: Envelope<any>;
  key: string | null;
  headers: Record<string, string>;
  partition: number;
}

/** A query the fake catalog answered. */
export interface ReceivedQuery {
  pattern: string;
  payload: any;
  headers: Record<string, string>;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)]));
}

/**
 * Stands in for coupon-catalog in the gateway's integration test, over the real broker with plain kafkajs: it
 * consumes catalog.commands.v1 and publishes the outcome event (causationId = the command id) to catalog.events.v1,
 * and answers the scan and coupon queries the way a NestJS @MessagePattern handler does (reply topic, partition and
 * correlation id from the request headers). Its decisions are fixed by the test (`products`, `coupons`).
 */
export class FakeCatalog {
  readonly commands: ReceivedCommand[] = [];
  readonly queries: ReceivedQuery[] = [];
  readonly products = new Map<string, { sku: string; gtin: string | null; name: string; price: number; currency: string }>();
  readonly coupons = new Map<string, CouponAdminView>();
  /** When set, commands are consumed but not answered (to see the gateway's timeout). */
  silent = false;
  private readonly kafka: Kafka;
  private producer!: Producer;
  private consumers: Consumer[] = [];

  constructor(brokers: string) {
    this.kafka = new Kafka({ clientId: 'fake-catalog', brokers: [brokers], logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const commands = this.kafka.consumer({ groupId: 'fake-catalog', maxWaitTimeInMs: 100 });
    const commandsJoined = joined(commands);
    await commands.connect();
    await commands.subscribe({ topic: Topics.catalogCommands, fromBeginning: true });
    await commands.run({
      eachMessage: async ({ partition, message }) => {
        const decoded = decodeMessage(message.value);
        if (!decoded.ok) throw new Error(`fake catalog got an invalid command: ${decoded.reason}`);
        this.commands.push({ envelope: decoded.envelope, key: message.key?.toString() ?? null, headers: headerStrings(message.headers), partition });
        if (this.silent) return;
        const outcome = this.decide(decoded.envelope);
        await this.producer.send({
          topic: Topics.catalogEvents,
          messages: [{ key: outcome.aggregateId, value: JSON.stringify(outcome), headers: { [Headers.type]: outcome.type, [Headers.correlationId]: outcome.correlationId } }],
        });
      },
    });
    const queries = this.kafka.consumer({ groupId: 'fake-catalog-queries', maxWaitTimeInMs: 100 });
    const queriesJoined = joined(queries);
    await queries.connect();
    await queries.subscribe({ topics: [Queries.scan, Queries.getCoupon, Queries.commandOutcome.catalog], fromBeginning: true });
    await queries.run({
      eachMessage: async ({ topic, message }) => {
        const headers = headerStrings(message.headers);
        const payload = JSON.parse(message.value!.toString('utf8'));
        this.queries.push({ pattern: topic, payload, headers });
        const reply = this.answer(topic, payload);
        await this.producer.send({
          topic: headers.kafka_replyTopic,
          messages: [{
            partition: Number(headers.kafka_replyPartition),
            value: JSON.stringify(reply),
            headers: { kafka_correlationId: headers.kafka_correlationId, 'kafka_nest-is-disposed': Buffer.alloc(1) },
          }],
        });
      },
    });
    this.consumers = [commands, queries];
    await Promise.all([commandsJoined, queriesJoined]);
  }

  private decide(cmd: Envelope<any>): Envelope<unknown> {
    const p = cmd.payload;
    switch (cmd.type) {
      case 'UpsertStore':
        return causedBy(cmd, CatalogEventTypes.storeUpserted, { storeId: p.storeId, name: p.name }, p.storeId);
      case 'UpsertProduct':
        this.products.set(p.sku, { sku: p.sku, gtin: p.gtin ?? null, name: p.name, price: p.price, currency: p.currency });
        return causedBy(cmd, CatalogEventTypes.productUpserted, { ...p }, p.sku);
      case 'CreateCoupon': {
        const createdAt = new Date().toISOString();
        this.coupons.set(p.couponId, { ...p, status: 'ACTIVE', issued: 0, redeemed: 0, createdAt });
        return causedBy(cmd, CatalogEventTypes.couponCreated, { ...p, status: 'ACTIVE', createdAt }, p.couponId);
      }
      case 'SetCouponStatus': {
        const coupon = this.coupons.get(p.couponId);
        if (!coupon) {
          return causedBy(cmd, CatalogEventTypes.commandRejected, { commandType: cmd.type, code: 'COUPON_NOT_FOUND', message: `no coupon ${p.couponId}`, httpStatus: 404 }, p.couponId);
        }
        coupon.status = p.status;
        return causedBy(cmd, CatalogEventTypes.couponStatusChanged, { couponId: p.couponId, status: p.status }, p.couponId);
      }
      case 'SetStoreDisplays':
        if (p.items.some((i: { sku: string }) => !this.products.has(i.sku))) {
          return causedBy(cmd, CatalogEventTypes.commandRejected, { commandType: cmd.type, code: 'UNKNOWN_SKU', message: 'unknown sku', httpStatus: 422 }, p.storeId);
        }
        return causedBy(cmd, CatalogEventTypes.storeDisplaysSet, { storeId: p.storeId, items: p.items }, p.storeId);
      default:
        throw new Error(`fake catalog: unexpected command ${cmd.type}`);
    }
  }

  private answer(pattern: string, payload: any): unknown {
    if (pattern === Queries.getCoupon) {
      const coupon = this.coupons.get(payload.couponId);
      // As on the wire from a Nest handler returning {ok: true, value}: Nest's serializer sends the value alone.
      return coupon ? coupon : { ok: false, code: 'COUPON_NOT_FOUND', message: `no coupon ${payload.couponId}` };
    }
    if (pattern === Queries.scan) {
      const q = payload as ScanQuery;
      const product = [...this.products.values()].find((p) => (q.gtin && p.gtin === q.gtin) || (q.sku && p.sku === q.sku)) ?? null;
      const offers = [...this.coupons.values()].map((c) => ({
        couponId: c.couponId, title: c.title, discount: c.discount, minSpend: c.minSpend, target: c.target, storeIds: c.storeIds,
        claimableUntil: c.claimableUntil, remaining: c.totalQuantity - c.issued, matchScore: 0,
      }));
      const result: ScanResult = { product, storeId: q.storeId ?? null, coupons: offers, best: offers[0] ?? null, displays: [] };
      return { ok: true, value: result };
    }
    return { ok: false, code: 'NOT_FOUND', message: 'no stored outcome' };
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
    await this.producer?.disconnect();
  }
}

function joined(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}
