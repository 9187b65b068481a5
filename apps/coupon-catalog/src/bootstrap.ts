import { Queries, Topics } from '@coupons/contracts';
import { createKafka, ensureTopics, kafkaQueryServerOptions, queryTopics } from '@coupons/messaging';
import { createServiceApp } from '@coupons/service-kit';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, CatalogAppOptions } from './app.module';
import { CatalogEnv, SERVICE_NAME } from './env';

export const CATALOG_QUERY_PATTERNS = [Queries.scan, Queries.getCoupon, Queries.commandOutcome.catalog];

/**
 * Starts the catalog: topics it needs, then the Nest app (migrations run as the DataSource is created), the Kafka
 * query server, the consumers and the relay; /health and /metrics on HTTP_PORT.
 */
export async function startCatalog(env: CatalogEnv, opts: CatalogAppOptions & { host?: string } = {}): Promise<NestFastifyApplication> {
  // The query server subscribes at start-up: its topics (and ClientKafka's reply topics) must exist first.
  await ensureTopics(createKafka(env.KAFKA_BROKERS, `${SERVICE_NAME}-setup-${env.INSTANCE_ID}`), [
    Topics.catalogCommands, Topics.catalogEvents, Topics.walletEvents, Topics.orderingEvents, Topics.deadLetter,
    ...queryTopics(CATALOG_QUERY_PATTERNS),
  ]);
  return createServiceApp(AppModule.forRoot(env, opts), {
    serviceName: SERVICE_NAME,
    port: env.HTTP_PORT,
    host: opts.host,
    microservices: [kafkaQueryServerOptions({ serviceName: SERVICE_NAME, brokers: env.KAFKA_BROKERS, instanceId: env.INSTANCE_ID })],
  });
}
