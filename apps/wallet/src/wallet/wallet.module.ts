import { DynamicModule, Module } from '@nestjs/common';
import { CLAIM_TUNING, ClaimTuning, WalletMessagesService } from './wallet-messages.service';
import { WalletQueriesController } from './wallet-queries.controller';

@Module({})
export class WalletModule {
  static forRoot(tuning: ClaimTuning = {}): DynamicModule {
    return {
      module: WalletModule,
      controllers: [WalletQueriesController],
      providers: [{ provide: CLAIM_TUNING, useValue: tuning }, WalletMessagesService],
    };
  }
}
