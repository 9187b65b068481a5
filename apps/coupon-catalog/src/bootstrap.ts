import { Queries, Topics } from '@coupons/contracts';
import { startService } from '@coupons/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, ServiceTuning } from './app.module';
import { CatalogEnv, SERVICE_NAME } from './env';

export const CATALOG_QUERY_PATTERNS = [Queries.getCoupon, Queries.listStores, Queries.listProducts, Queries.listCoupons, Queries.commandOutcome.catalog];

/** Starts the catalog (see messaging startService): HTTP_PORT for /health and /metrics, Kafka for the rest. */
export function startCatalog(env: CatalogEnv, opts: ServiceTuning & { host?: string } = {}): Promise<NestFastifyApplication> {
  return startService({
    serviceName: SERVICE_NAME,
    env,
    module: AppModule.forRoot(env, opts),
    queryPatterns: CATALOG_QUERY_PATTERNS,
    topics: [Topics.catalogCommands, Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents],
    host: opts.host,
  });
}
