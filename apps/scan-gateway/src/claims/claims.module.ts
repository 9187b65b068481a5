import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { KnownCoupons } from './known-coupons';

@Module({ imports: [AuthModule], controllers: [ClaimsController], providers: [ClaimsService, KnownCoupons] })
export class ClaimsModule {}
