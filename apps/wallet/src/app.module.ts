import { serviceInfrastructure } from '@coupons/messaging';
import { DynamicModule, Module } from '@nestjs/common';
import { WalletModule } from './wallet/wallet.module';
import { ClaimTuning } from './wallet/wallet-messages.service';
import { walletDataSourceOptions } from './database/data-source';
import { WalletEnv, SERVICE_NAME } from './env';

export interface ServiceTuning {
  /** Relay/consumer tuning for tests. */
  messaging?: { relayPollIntervalMs?: number; retry?: { initialMs?: number; maxMs?: number } };
  /** Claim decision tuning for tests. */
  claims?: ClaimTuning;
}

@Module({})
export class AppModule {
  static forRoot(env: WalletEnv, opts: ServiceTuning = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...serviceInfrastructure({ serviceName: SERVICE_NAME, env, dataSourceOptions: walletDataSourceOptions(env), ...opts.messaging }),
        WalletModule.forRoot(opts.claims),
      ],
    };
  }
}
