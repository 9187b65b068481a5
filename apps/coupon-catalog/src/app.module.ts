import { MessagingModule } from '@coupons/messaging';
import { ObservabilityModule, assertSchemaInSync, databaseCheck, kafkaCheck, loggerModule, runMigrationsWithLock } from '@coupons/service-kit';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogModule } from './catalog/catalog.module';
import { catalogDataSourceOptions } from './database/data-source';
import { CatalogEnv, SERVICE_NAME } from './env';

export interface CatalogAppOptions {
  /** Relay/consumer tuning for tests. */
  messaging?: { relayPollIntervalMs?: number; retry?: { initialMs?: number; maxMs?: number } };
}

@Module({})
export class AppModule {
  static forRoot(env: CatalogEnv, opts: CatalogAppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        loggerModule(SERVICE_NAME, { level: env.LOG_LEVEL, instanceId: env.INSTANCE_ID }),
        TypeOrmModule.forRootAsync({
          useFactory: () => catalogDataSourceOptions(env),
          // Migrate before anything else touches the database; refuse to start on entity/schema drift.
          dataSourceFactory: async (options) => {
            const dataSource = new DataSource(options!);
            await dataSource.initialize();
            await runMigrationsWithLock(dataSource);
            await assertSchemaInSync(dataSource);
            return dataSource;
          },
        }),
        ObservabilityModule.forRoot({ serviceName: SERVICE_NAME, checks: [databaseCheck(), kafkaCheck(env.KAFKA_BROKERS)] }),
        MessagingModule.forRoot({
          serviceName: SERVICE_NAME,
          brokers: env.KAFKA_BROKERS,
          instanceId: env.INSTANCE_ID,
          schema: env.DATABASE_SCHEMA,
          relay: { pollIntervalMs: opts.messaging?.relayPollIntervalMs },
          retry: opts.messaging?.retry,
        }),
        CatalogModule,
      ],
    };
  }
}
