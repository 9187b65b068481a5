import { serviceInfrastructure } from '@coupons/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { CatalogModule } from './catalog/catalog.module';
import { catalogDataSourceOptions } from './database/data-source';
import { CatalogEnv, SERVICE_NAME } from './env';

export interface ServiceTuning {
  /** Relay/consumer tuning for tests. */
  messaging?: { relayPollIntervalMs?: number; retry?: { initialMs?: number; maxMs?: number } };
}

@Module({})
export class AppModule {
  static forRoot(env: CatalogEnv, opts: ServiceTuning = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceInfrastructure({ serviceName: SERVICE_NAME, env, dataSourceOptions: catalogDataSourceOptions(env), ...opts.messaging }),
        CatalogModule,
      ],
    };
  }
}
