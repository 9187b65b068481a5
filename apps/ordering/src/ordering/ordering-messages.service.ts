import { Envelope, OrderingCommandTypes, PlaceOrder, TopicPosition, Topics } from '@coupons/contracts';
import { CommandPipeline, HandlerOutcome, MessageConsumers, MessageContext, findCommandOutcomes } from '@coupons/messaging';
import { MetricsService } from '@coupons/service-kit';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { decideOrderCommand, isOrderingCommand } from './decisions';
import { orderingProjection } from './ordering.projection';
import { OrderRun, inFoldOrder } from './order-run';
import { orderingStateOf } from './ordering-state';
import { SeenResult, isSeen, unseen, waitUntilSeen } from './read-your-writes';

export const ORDERING_OPTIONS = Symbol('ORDERING_OPTIONS');
/** The decisions' clock (tests set it). */
export const ORDERING_CLOCK = Symbol('ORDERING_CLOCK');

export interface OrderingOptions {
  /** Read-your-writes bound: how long a PlaceOrder waits for its mustHaveSeen positions (ms). */
  seenTimeoutMs: number;
}

/** Consumer group of the event folds; the name the skeleton used, so existing committed offsets stay valid. */
export const FOLD_GROUP = SERVICE_NAME;
/** The topics the fold group reads (ordering's own events are applied when decided). */
export const FOLDED_TOPICS: readonly string[] = [Topics.catalogEvents, Topics.walletEvents];

/** Consumer group of order commands. */
export const COMMAND_GROUP = `${SERVICE_NAME}-commands`;
/** The redemption table's primary key: one active redemption per claim (Single use). */
const REDEMPTION_KEY = 'redemption_pkey';

/**
 * Ordering's Kafka consumers, in two groups:
 * - "ordering" folds catalog and wallet events into the projection, recording each partition's folded position;
 * - "ordering-commands" decides PlaceOrder/CancelOrder through the decision pipeline. A PlaceOrder may wait (bounded) for its mustHaveSeen
 *   positions; being in its own group, that wait never holds up the folding it waits for (kafkajs assigns
 *   partitions assuming every member of a group subscribes to the same topics, so the two can't share a group).
 */
@Injectable()
export class OrderingMessagesService {
  private readonly logger = new Logger(OrderingMessagesService.name);
  private readonly seenWait?: { observe(labels: { result: string }, seconds: number): void };
  private readonly redecided?: { inc(): void };
  /** The one decision path of order commands. */
  readonly orders: CommandPipeline<OrderRun>;

  constructor(
    private readonly dataSource: DataSource,
    consumers: MessageConsumers,
    @Inject(ORDERING_OPTIONS) private readonly options: OrderingOptions,
    @Optional() metrics?: MetricsService,
    @Optional() @Inject(ORDERING_CLOCK) now?: () => Date,
  ) {
    this.seenWait = metrics?.histogram('order_seen_wait_seconds', 'Read-your-writes wait of a PlaceOrder carrying positions to wait for, before deciding, by result (caught_up, timed_out)', ['result'], [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5]);
    this.redecided = metrics?.counter('order_redecided_total', 'Order decisions taken again after losing a redemption race (unique claim)');
    // Partitions in parallel (each still in order): a command waiting for one user's claim holds up only the users
    // sharing its partition.
    this.orders = new CommandPipeline<OrderRun>({
      name: 'ordering',
      dataSource,
      projection: orderingProjection,
      raceConstraints: [REDEMPTION_KEY],
      onRedecide: () => {
        this.logger.warn('an order run lost a redemption race to another instance; deciding it again');
        this.redecided?.inc();
      },
      beforeRun: (commands) => this.waitUntilSeen(commands.filter((c) => c.type === OrderingCommandTypes.placeOrder)),
      now,
      decider: {
        accepts: isOrderingCommand,
        readState: (em, commands, pending) =>
          OrderRun.read(em, orderingStateOf(em), pending, commands.filter((c) => c.type === OrderingCommandTypes.placeOrder).map((c) => c.payload as PlaceOrder)),
        decide: (cmd, state, at) => decideOrderCommand(cmd, state, at),
        foldOrder: inFoldOrder,
      },
    });
    consumers.register({
      groupId: FOLD_GROUP, topics: [...FOLDED_TOPICS], handle: (env, ctx) => this.fold([{ envelope: env, ctx }]).then((r) => r[0]),
      handleBatch: (messages) => this.fold(messages), partitionsConsumedConcurrently: 3,
    });
    consumers.register({ groupId: COMMAND_GROUP, topics: [Topics.orderingCommands], ...this.orders.handlers(), partitionsConsumedConcurrently: 3 });
  }

  /**
   * A run of catalog/wallet events of one partition folded in one transaction, deduped by offsets; the partition's
   * position is recorded even when the run holds only types ordering keeps no fold for (read-your-writes waits on it).
   */
  fold(messages: ReadonlyArray<{ envelope: Envelope; ctx: Pick<MessageContext, 'topic' | 'partition' | 'offset'> }>): Promise<HandlerOutcome[]> {
    const { topic, partition } = messages[0].ctx;
    return orderingProjection.consume(this.dataSource, topic, partition, messages.map((m) => ({ envelope: m.envelope, offset: m.ctx.offset })), { recordIgnored: true });
  }

  /**
   * Read-your-writes, before a run of commands is decided: its PlaceOrders wait, bounded by ORDER_SEEN_TIMEOUT_MS, until
   * the wallet events the terminal has seen acknowledged are folded (the union of their positions, one timeout); on
   * timeout they are decided with what is folded (a claim not yet seen is not applied: the order still goes through
   * rather than failing on a slow consumer). Usually everything is folded already, which one statement tells. Otherwise the
   * commands decided before (a redelivery) are left out, and the others wait.
   */
  private async waitUntilSeen(commands: readonly Envelope[]): Promise<void> {
    let orders = waitingOrders(commands);
    if (orders.length === 0) return;
    const started = Date.now();
    let seen: SeenResult = { caughtUp: true };
    if (!isSeen(await unseen(this.dataSource, wantedBy(orders), usersOf(orders)))) {
      const decided = await findCommandOutcomes(this.dataSource, commands.map((c) => c.eventId));
      orders = waitingOrders(commands.filter((c) => !decided.has(c.eventId)));
      if (orders.length === 0) return;
      seen = await waitUntilSeen(this.dataSource, wantedBy(orders), usersOf(orders), this.options.seenTimeoutMs, orderingProjection.progress);
    }
    // One observation per order, as when each waited alone.
    for (let i = 0; i < orders.length; i++) this.seenWait?.observe({ result: seen.caughtUp ? 'caught_up' : 'timed_out' }, (Date.now() - started) / 1000);
    if (!seen.caughtUp) {
      const ids = orders.map((o) => o.orderId).join(', ');
      this.logger.warn(`order ${ids}: not caught up after ${this.options.seenTimeoutMs} ms (${JSON.stringify(seen)}); deciding with what is folded`);
    }
  }
}

/**
 * The furthest position per partition the orders must have seen, in the topics ordering folds (only those can ever be
 * reached; others are ignored rather than waited out).
 */
function wantedBy(orders: readonly PlaceOrder[]): TopicPosition[] {
  const furthest = new Map<string, TopicPosition>();
  for (const w of orders.flatMap((o) => o.mustHaveSeen ?? [])) {
    if (!FOLDED_TOPICS.includes(w.topic)) continue;
    const key = `${w.topic}/${w.partition}`;
    const known = furthest.get(key);
    if (!known || BigInt(w.offset) > BigInt(known.offset)) furthest.set(key, w);
  }
  return [...furthest.values()];
}

const usersOf = (orders: readonly PlaceOrder[]): string[] => [...new Set(orders.map((o) => o.userId))];

/** The PlaceOrders among `commands` that carry positions to wait for. */
const waitingOrders = (commands: readonly Envelope[]): PlaceOrder[] =>
  commands.map((c) => c.payload as PlaceOrder).filter((o) => wantedBy([o]).length > 0);
