import { Module } from '@nestjs/common';
import { WalletMessagesService } from './wallet-messages.service';
import { WalletQueriesController } from './wallet-queries.controller';

@Module({ controllers: [WalletQueriesController], providers: [WalletMessagesService] })
export class WalletModule {}
