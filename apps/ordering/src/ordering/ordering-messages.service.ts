import { Envelope, OrderingCommandTypes, PlaceOrder, TopicPosition, Topics } from '@coupons/contracts';
import {
  HandlerOutcome, MessageConsumers, MessageContext, Outcome, appendAllToOutbox, appendToOutbox, findCommandOutcomes,
  handleOnce, isUniqueViolation, recordProcessedMessages,
} from '@coupons/messaging';
import { MetricsService } from '@coupons/service-kit';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_NAME } from '../env';
import { decideOrderCommand, isOrderingCommand } from './decisions';
import { ORDERING_COMMANDS_CONSUMER, orderingProjection } from './ordering.projection';
import { OrderRun } from './order-run';
import { orderingStateOf } from './ordering-state';
import { SeenResult, isSeen, recordFoldPosition, unseen, waitUntilSeen } from './read-your-writes';

export const ORDERING_OPTIONS = Symbol('ORDERING_OPTIONS');

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
/** Decisions retried in place after losing a redemption race, before handing the message back to the runner. */
const REDECIDE_ATTEMPTS = 5;

/**
 * Ordering's Kafka consumers, in two groups:
 * - "ordering" folds catalog and wallet events into the projection, recording each partition's folded position;
 * - "ordering-commands" decides PlaceOrder/CancelOrder. A PlaceOrder may wait (bounded) for its mustHaveSeen
 *   positions; being in its own group, that wait never holds up the folding it waits for (kafkajs assigns
 *   partitions assuming every member of a group subscribes to the same topics, so the two can't share a group).
 */
@Injectable()
export class OrderingMessagesService {
  private readonly logger = new Logger(OrderingMessagesService.name);
  private readonly seenWait?: { observe(labels: { result: string }, seconds: number): void };
  private readonly redecided?: { inc(): void };

  constructor(
    private readonly dataSource: DataSource,
    consumers: MessageConsumers,
    @Inject(ORDERING_OPTIONS) private readonly options: OrderingOptions,
    @Optional() metrics?: MetricsService,
  ) {
    this.seenWait = metrics?.histogram('order_seen_wait_seconds', 'Read-your-writes wait of a PlaceOrder carrying positions to wait for, before deciding, by result (caught_up, timed_out)', ['result'], [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5]);
    this.redecided = metrics?.counter('order_redecided_total', 'Order decisions taken again after losing a redemption race (unique claim)');
    // Partitions in parallel (each still in order): a command waiting for one user's claim holds up only the users
    // sharing its partition.
    consumers.register({
      groupId: FOLD_GROUP, topics: [...FOLDED_TOPICS], handle: (env, ctx) => this.foldEvent(env, ctx), handleBatch: (messages) => this.foldEvents(messages),
      partitionsConsumedConcurrently: 3,
    });
    consumers.register({
      groupId: COMMAND_GROUP, topics: [Topics.orderingCommands], handle: (env) => this.handleCommand(env),
      handleBatch: (messages) => this.decideCommands(messages.map((m) => m.envelope)), partitionsConsumedConcurrently: 3,
    });
  }

  /** Folds a catalog/wallet event once and records how far its partition is folded, in one transaction. */
  async foldEvent(e: Envelope, ctx: Pick<MessageContext, 'topic' | 'partition' | 'offset'>): Promise<HandlerOutcome> {
    return (await this.foldEvents([{ envelope: e, ctx }]))[0];
  }

  /**
   * A run of events of one partition folded in one transaction, with the partition's position after the last one
   * (recorded even when the run holds only types ordering keeps no fold for: read-your-writes waits on positions).
   */
  foldEvents(messages: Array<{ envelope: Envelope; ctx: Pick<MessageContext, 'topic' | 'partition' | 'offset'> }>): Promise<HandlerOutcome[]> {
    const last = messages[messages.length - 1].ctx;
    return orderingProjection.consume(this.dataSource, messages.map((m) => m.envelope), (em) => recordFoldPosition(em, last.topic, last.partition, last.offset));
  }

  /**
   * Group commit of a run of order commands (consecutive, one partition): the read-your-writes wait of all its
   * undecided PlaceOrders at once (the union of their positions, bounded by the same timeout), then ONE transaction
   * that records the command ids and decides the commands in order, exactly as handleCommand decides one (same
   * decideOrderCommand, each decision seeing the ones before it through the run's OrderRun), folds the decisions'
   * events with the projection's folds and appends every outcome to the outbox. Anything thrown (a redemption race
   * with another instance, the database) rolls the whole run back; the runner then hands its first command to
   * handleCommand, which re-decides or retries.
   */
  async decideCommands(commands: Envelope[], now: () => Date = () => new Date()): Promise<HandlerOutcome[]> {
    let n = 0;
    while (n < commands.length && isOrderingCommand(commands[n].type)) n++;
    const run = commands.slice(0, n);
    if (run.length === 0) return [];
    const places = run.filter((c) => c.type === OrderingCommandTypes.placeOrder);
    await this.waitUntilSeen(places);
    return this.dataSource.transaction(async (em) => {
      const fresh = await recordProcessedMessages(em, ORDERING_COMMANDS_CONSUMER, run.map((c) => c.eventId));
      const state = await OrderRun.read(em, orderingStateOf(em), places.filter((c) => fresh.has(c.eventId)).map((c) => c.payload as PlaceOrder));
      const outcomes: HandlerOutcome[] = [];
      const events: Envelope[] = [];
      for (const cmd of run) {
        // Not fresh: decided before, or a repeat within this run.
        if (!fresh.delete(cmd.eventId)) {
          outcomes.push(Outcome.duplicate);
          continue;
        }
        const decision = await decideOrderCommand(cmd, state, now());
        state.decided(decision);
        events.push(...decision);
        outcomes.push(Outcome.done);
      }
      await state.flush();
      await appendAllToOutbox(em, events.map((envelope) => ({ topic: Topics.orderingEvents, envelope })));
      return outcomes;
    });
  }

  /**
   * The read-your-writes wait (see handleCommand) of PlaceOrders, one or a run of them at once: the union of their
   * positions, bounded by one timeout. Usually everything is folded already, which one statement tells. Otherwise the
   * commands decided before (a redelivery) are left out, and the others wait.
   */
  private async waitUntilSeen(commands: Envelope[]): Promise<void> {
    let orders = waitingOrders(commands);
    if (orders.length === 0) return;
    const started = Date.now();
    let seen: SeenResult = { caughtUp: true };
    if (!isSeen(await unseen(this.dataSource, wantedBy(orders), usersOf(orders)))) {
      const decided = await findCommandOutcomes(this.dataSource, ORDERING_COMMANDS_CONSUMER, commands.map((c) => c.eventId));
      orders = waitingOrders(commands.filter((c) => !decided.has(c.eventId)));
      if (orders.length === 0) return;
      seen = await waitUntilSeen(this.dataSource, wantedBy(orders), usersOf(orders), this.options.seenTimeoutMs);
    }
    // One observation per order, as when each waited alone.
    for (let i = 0; i < orders.length; i++) this.seenWait?.observe({ result: seen.caughtUp ? 'caught_up' : 'timed_out' }, (Date.now() - started) / 1000);
    if (!seen.caughtUp) {
      const ids = orders.map((o) => o.orderId).join(', ');
      this.logger.warn(`order ${ids}: not caught up after ${this.options.seenTimeoutMs} ms (${JSON.stringify(seen)}); deciding with what is folded`);
    }
  }

  /**
   * Decides an order command once. A PlaceOrder first waits, bounded by ORDER_SEEN_TIMEOUT_MS, until the wallet
   * events the terminal has seen acknowledged are folded; on timeout it is decided with what is folded (a claim not
   * yet seen is not applied: the order still goes through rather than failing on a slow consumer). A decision that
   * loses a redemption race to another instance (unique violation on the claim) is decided again from the new state.
   */
  async handleCommand(cmd: Envelope, now: () => Date = () => new Date()): Promise<HandlerOutcome> {
    if (!isOrderingCommand(cmd.type)) return Outcome.failed(new Error(`${cmd.type} is not an ordering command`));
    if (cmd.type === OrderingCommandTypes.placeOrder) await this.waitUntilSeen([cmd]);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.decideOnce(cmd, now());
      } catch (err) {
        if (!isUniqueViolation(err, REDEMPTION_KEY)) throw err;
        if (attempt >= REDECIDE_ATTEMPTS) return Outcome.retry(err as Error);
        this.logger.warn(`order command ${cmd.eventId}: claim redeemed concurrently by another instance; deciding again`);
        this.redecided?.inc();
      }
    }
  }

  private async decideOnce(cmd: Envelope, now: Date): Promise<HandlerOutcome> {
    const r = await handleOnce(this.dataSource, ORDERING_COMMANDS_CONSUMER, cmd, async (em) => {
      const events = await decideOrderCommand(cmd, orderingStateOf(em), now);
      for (const e of events) {
        await orderingProjection.applyOnce(em, e);
        await appendToOutbox(em, Topics.orderingEvents, e);
      }
      return events;
    });
    return r.duplicate ? Outcome.duplicate : Outcome.done;
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
