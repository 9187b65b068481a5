import { serviceInfrastructure } from '@coupons/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { OrderingModule } from './ordering/ordering.module';
import { orderingDataSourceOptions } from './database/data-source';
import { OrderingEnv, SERVICE_NAME } from './env';

export interface ServiceTuning {
  /** Relay/consumer tuning for tests. */
  messaging?: { relayPollIntervalMs?: number; retry?: { initialMs?: number; maxMs?: number } };
}

@Module({})
export class AppModule {
  static forRoot(env: OrderingEnv, opts: ServiceTuning = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceInfrastructure({ serviceName: SERVICE_NAME, env, dataSourceOptions: orderingDataSourceOptions(env), ...opts.messaging }),
        OrderingModule.forRoot({ seenTimeoutMs: env.ORDER_SEEN_TIMEOUT_MS }),
      ],
    };
  }
}
