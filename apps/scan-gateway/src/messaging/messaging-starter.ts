import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TailReader, TopicMisconfigured, retryWithBackoff } from '@coupons/messaging';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { KAFKA } from './kafka';
import { QueryClient } from './query-client';
import { ensureGatewayTopics } from './topic-setup';

/**
 * Brings Kafka up in the background once the app is built: topics, then the event reader (outcomes and the scan read
 * model), the query client and the producer. The HTTP server listens meanwhile; /health stays 503 and commands answer 503 until all are ready,
 * so a gateway started before the broker recovers by itself.
 */
@Injectable()
export class MessagingStarter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly env: GatewayEnv,
    private readonly events: TailReader,
    private readonly queries: QueryClient,
    private readonly commands: CommandBus,
  ) {}

  onApplicationBootstrap(): void {
    void this.bringUp();
  }

  private async bringUp(): Promise<void> {
    let ok: boolean;
    try {
      ok = await retryWithBackoff(() => ensureGatewayTopics(this.kafka, this.env.KAFKA_REPLICATION_FACTOR), {
        stopped: () => this.stopped,
        isFinal: (err) => err instanceof TopicMisconfigured,
        onFailure: (err, delay) => this.logger.warn(`cannot reach Kafka to check topics: ${(err as Error).message}; retrying in ${delay} ms`),
      });
    } catch (err) {
      // Not a Kafka outage to wait out: the read model folded from this topic would be wrong. Refuse to run.
      this.logger.error(`refusing to start: ${(err as Error).message}`);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
      return;
    }
    if (!ok) return;
    // The outcome listener and the scan read model subscribed to it when they were built.
    this.events.start();
    this.queries.start();
    this.commands.warmUp().catch((err) => this.logger.warn(`producer not connected yet: ${(err as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.events.stop();
  }
}
