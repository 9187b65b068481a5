import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Headers, QueryReply } from '@coupons/contracts';
import { retryWithBackoff } from '@coupons/messaging';
import { ClientKafka } from '@nestjs/microservices';
import { randomBytes } from 'node:crypto';
import { TimeoutError, firstValueFrom, timeout } from 'rxjs';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { kafkaLogCreator } from './kafka';
import { QUERY_PATTERNS } from './topic-setup';

/** A query that got an answer: the value, or the service's not-found/refusal code. */
export type QueryOutcome<T> = QueryReply<T>;

/**
 * Request/reply queries over Kafka with NestJS ClientKafka (`send` to the pattern, reply on `<pattern>.reply`).
 * The reply consumer's group is this instance's own, so each instance receives the replies to its requests on the
 * partition it names, whatever the number of instances. No reply within REQUEST_TIMEOUT_MS is 503 UNAVAILABLE.
 */
@Injectable()
export class QueryClient implements OnApplicationShutdown {
  private readonly logger = new Logger(QueryClient.name);
  private readonly client: ClientKafka;
  private connected = false;
  private connecting: Promise<void> | null = null;
  private lastError: string | null = null;
  private stopped = false;

  constructor(private readonly env: GatewayEnv) {
    const suffix = randomBytes(4).toString('hex');
    this.client = new ClientKafka({
      client: {
        clientId: `scan-gateway-${env.INSTANCE_ID}`,
        brokers: env.KAFKA_BROKERS,
        logCreator: kafkaLogCreator('kafkajs:queries'),
        connectionTimeout: 3000,
        retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 3000 },
      },
      consumer: { groupId: `scan-gateway-${env.INSTANCE_ID}-${suffix}`, maxWaitTimeInMs: 200 },
      // Idempotent with acks=all, as every producer of the platform is.
      producer: { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 },
      send: { acks: -1 },
      // '-queries' keeps this client id and group apart from the outcome listener's.
      postfixId: '-queries',
      run: { autoCommit: false },
    });
    for (const pattern of QUERY_PATTERNS) this.client.subscribeToResponseOf(pattern);
    // kafkajs does not restart a consumer that crashed on a non-retriable error (Kafka answers "coordinator not
    // available" for a while after it starts), and Nest's client then waits for replies that never come: start over.
    this.client.status.subscribe((status) => {
      if (status === 'crashed') void this.recover();
    });
  }

  private recovering = false;

  private async recover(): Promise<void> {
    if (this.recovering || this.stopped) return;
    this.recovering = true;
    this.connected = false;
    this.lastError = 'the reply consumer crashed; reconnecting';
    this.logger.warn(this.lastError);
    try {
      await this.client.close().catch(() => undefined);
    } finally {
      this.recovering = false;
    }
    if (!this.stopped) this.start();
  }

  isReady(): boolean {
    return this.connected && this.hasAllReplyPartitions();
  }

  status(): string {
    if (this.isReady()) return 'ok';
    return this.lastError ?? 'waiting for reply partitions';
  }

  private hasAllReplyPartitions(): boolean {
    const assigned = this.client.getConsumerAssignments();
    return QUERY_PATTERNS.every((p) => assigned[`${p}.reply`] !== undefined);
  }

  /** Connects and waits until the reply topics are assigned (before that, send() could not name a reply partition). */
  async connect(waitMs: number): Promise<void> {
    this.connecting ??= (async () => {
      try {
        await this.client.connect();
        this.connected = true;
        this.lastError = null;
      } catch (err) {
        this.lastError = `cannot connect the query client: ${(err as Error).message}`;
        throw err;
      } finally {
        this.connecting = null;
      }
    })();
    await this.connecting;
    const deadline = Date.now() + waitMs;
    while (!this.hasAllReplyPartitions()) {
      if (Date.now() > deadline) throw new Error('reply partitions not assigned yet');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Starts connecting in the background, retrying until connected. */
  start(): void {
    void retryWithBackoff(() => this.connect(30_000), {
      stopped: () => this.connected || this.stopped,
      onFailure: (err, delay) => this.logger.warn(`query client not ready: ${(err as Error).message}; retrying in ${delay} ms`),
    });
  }

  /**
   * Sends a query and returns its reply. Replies are contracts QueryReply values; a server that returns the
   * QueryReply through Nest's Kafka serializer loses the `{ok, value}` wrapper when `value` is present (Nest treats an
   * object with `value` as a Kafka message), so a reply without `ok` is taken as the value itself.
   */
  async query<T>(pattern: string, payload: object, correlationId: string): Promise<QueryOutcome<T>> {
    try {
      if (!this.isReady()) {
        // Bounded: kafkajs retries a connection for longer than a request should wait.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), this.env.REQUEST_TIMEOUT_MS)));
        await Promise.race([this.connect(this.env.REQUEST_TIMEOUT_MS), deadline]).finally(() => clearTimeout(timer));
      }
    } catch {
      throw ApiError.unavailable('the message broker is unavailable; try again');
    }
    let reply: unknown;
    try {
      reply = await firstValueFrom(
        this.client.send(pattern, { value: payload, headers: { [Headers.correlationId]: correlationId } }).pipe(timeout(this.env.REQUEST_TIMEOUT_MS)),
      );
    } catch (err) {
      if (err instanceof TimeoutError) {
        this.logger.warn(`query ${pattern} got no reply within ${this.env.REQUEST_TIMEOUT_MS} ms (correlation ${correlationId})`);
        throw ApiError.unavailable('the service did not answer in time; try again');
      }
      this.logger.error(`query ${pattern} failed: ${err instanceof Error ? err.message : JSON.stringify(err)}`);
      throw ApiError.unavailable('the service could not answer; try again');
    }
    if (typeof reply === 'object' && reply !== null && 'ok' in reply && typeof (reply as { ok: unknown }).ok === 'boolean') {
      const r = reply as QueryReply<T>;
      if (r.ok) return r;
      return { ok: false, code: String(r.code ?? 'FAILED'), message: String(r.message ?? 'the query failed') };
    }
    return { ok: true, value: reply as T };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.client.close().catch(() => undefined);
  }
}
