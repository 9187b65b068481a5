import { Topics } from '@coupons/contracts';
import {
  ObservabilityModule, RebuildInProgressError, assertNoRebuildInProgress, assertSchemaInSync, createServiceApp, databaseCheck, kafkaCheck, loggerModule,
  runMigrationsWithLock,
} from '@coupons/service-kit';
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions } from 'typeorm';
import { createKafka } from './kafka';
import { ensureTopics } from './topic-provisioning';
import { MessagingModule } from './messaging.module';
import { kafkaQueryServerOptions, queryTopics } from './queries';

/** The environment every database-backed service has (service-kit ServiceEnv, validated). */
export interface ServiceRuntimeEnv {
  KAFKA_BROKERS: string[];
  KAFKA_REPLICATION_FACTOR?: number;
  DATABASE_URL: string;
  DATABASE_SCHEMA?: string;
  HTTP_PORT: number;
  LOG_LEVEL: string;
  INSTANCE_ID: string;
}

export interface ServiceInfrastructureOptions {
  serviceName: string;
  env: ServiceRuntimeEnv;
  dataSourceOptions: DataSourceOptions;
  /** Test tuning: relay poll interval and consumer retry backoff. */
  relayPollIntervalMs?: number;
  retry?: { initialMs?: number; maxMs?: number };
}

/**
 * The modules every database-backed service imports, configured the same way: JSON logging, the TypeORM DataSource
 * (migrated under the advisory lock and checked against the entities before anything uses it), /health (database,
 * Kafka) and /metrics, and the messaging runtime (relay + consumers).
 */
export function serviceInfrastructure(o: ServiceInfrastructureOptions): DynamicModule[] {
  const schema = (o.dataSourceOptions as { schema?: string }).schema ?? 'public';
  return [
    loggerModule(o.serviceName, { level: o.env.LOG_LEVEL, instanceId: o.env.INSTANCE_ID }),
    TypeOrmModule.forRootAsync({
      // A schema under rebuild is no reason to retry: refuse at once, with the marker's message.
      useFactory: () => ({ ...o.dataSourceOptions, toRetry: (err: unknown) => !(err instanceof RebuildInProgressError) }),
      dataSourceFactory: async (options) => {
        const dataSource = new DataSource(options!);
        await dataSource.initialize();
        try {
          // Before migrating: a schema that `replay --from-scratch` is rebuilding must be neither migrated nor served.
          await assertNoRebuildInProgress(dataSource);
          await runMigrationsWithLock(dataSource);
          await assertSchemaInSync(dataSource);
        } catch (err) {
          await dataSource.destroy().catch(() => undefined);
          throw err;
        }
        return dataSource;
      },
    }),
    ObservabilityModule.forRoot({ serviceName: o.serviceName, checks: [databaseCheck(), kafkaCheck(o.env.KAFKA_BROKERS)] }),
    MessagingModule.forRoot({
      serviceName: o.serviceName,
      brokers: o.env.KAFKA_BROKERS,
      instanceId: o.env.INSTANCE_ID,
      schema,
      relay: { pollIntervalMs: o.relayPollIntervalMs },
      retry: o.retry,
    }),
  ];
}

export interface StartServiceOptions {
  serviceName: string;
  env: ServiceRuntimeEnv;
  /** The service's root module (importing serviceInfrastructure and its features). */
  module: DynamicModule;
  /** @MessagePattern query patterns the service answers (their request and reply topics are created). */
  queryPatterns: string[];
  /** Topics it reads or writes, created when missing. */
  topics: string[];
  host?: string;
}

/**
 * Starts a service: creates its topics, then the Nest app (migrations run as the DataSource is created), the Kafka
 * query server (group `<service>-queries`), consumers and relay; /health and /metrics on HTTP_PORT.
 */
export async function startService(o: StartServiceOptions): Promise<NestFastifyApplication> {
  // The query server subscribes at start-up: its topics (and the reply topics ClientKafka uses) must exist first.
  // A misconfigured event topic (finite retention, compaction) throws here: the service refuses to start.
  await ensureTopics(
    createKafka(o.env.KAFKA_BROKERS, `${o.serviceName}-setup-${o.env.INSTANCE_ID}`),
    [...o.topics, Topics.deadLetter, ...queryTopics(o.queryPatterns)],
    undefined,
    o.env.KAFKA_REPLICATION_FACTOR,
  );
  return createServiceApp(o.module, {
    serviceName: o.serviceName,
    port: o.env.HTTP_PORT,
    host: o.host,
    microservices: [kafkaQueryServerOptions({ serviceName: o.serviceName, brokers: o.env.KAFKA_BROKERS, instanceId: o.env.INSTANCE_ID })],
  });
}
