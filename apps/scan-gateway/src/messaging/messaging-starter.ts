import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { TopicMisconfigured } from '@coupons/messaging';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { KAFKA } from './kafka';
import { OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';
import { ensureGatewayTopics } from './topic-setup';
import { ScanReadModel } from '../scans/scan-read-model';

/**
 * Brings Kafka up in the background once the app is built: topics, then the outcome consumer, the scan read model,
 * the query client and the producer. The HTTP server listens meanwhile; /health stays 503 and commands answer 503 until all are ready,
 * so a gateway started before the broker recovers by itself.
 */
@Injectable()
export class MessagingStarter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private stopped = false;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly env: GatewayEnv,
    private readonly outcomes: OutcomeListener,
    private readonly queries: QueryClient,
    private readonly commands: CommandBus,
    private readonly scanModel: ScanReadModel,
  ) {}

  onApplicationBootstrap(): void {
    void this.bringUp();
  }

  private async bringUp(): Promise<void> {
    let delay = 250;
    while (!this.stopped) {
      try {
        await ensureGatewayTopics(this.kafka, this.env.KAFKA_REPLICATION_FACTOR);
        break;
      } catch (err) {
        if (err instanceof TopicMisconfigured) {
          // Not a Kafka outage to wait out: the read model folded from this topic would be wrong. Refuse to run.
          this.logger.error(`refusing to start: ${err.message}`);
          process.exitCode = 1;
          process.kill(process.pid, 'SIGTERM');
          return;
        }
        this.logger.warn(`cannot reach Kafka to check topics: ${(err as Error).message}; retrying in ${delay} ms`);
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 5000);
      }
    }
    if (this.stopped) return;
    this.outcomes.start();
    this.scanModel.start();
    this.queries.start();
    this.commands.warmUp().catch((err) => this.logger.warn(`producer not connected yet: ${(err as Error).message}`));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }
}
