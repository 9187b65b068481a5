import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WalletController } from './wallet.controller';

@Module({ imports: [AuthModule], controllers: [WalletController] })
export class WalletModule {}
