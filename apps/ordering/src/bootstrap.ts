import { Queries, Topics } from '@coupons/contracts';
import { startService } from '@coupons/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, ServiceTuning } from './app.module';
import { OrderingEnv, SERVICE_NAME } from './env';

export const ORDERING_QUERY_PATTERNS = [Queries.getOrder, Queries.listOrders, Queries.commandOutcome.ordering];

/** Starts ordering (see messaging startService): HTTP_PORT for /health and /metrics, Kafka for the rest. */
export function startOrdering(env: OrderingEnv, opts: ServiceTuning & { host?: string } = {}): Promise<NestFastifyApplication> {
  return startService({
    serviceName: SERVICE_NAME,
    env,
    module: AppModule.forRoot(env, opts),
    queryPatterns: ORDERING_QUERY_PATTERNS,
    topics: [Topics.orderingCommands, Topics.orderingEvents, Topics.catalogEvents, Topics.walletEvents],
    host: opts.host,
  });
}
