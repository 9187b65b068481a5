import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';

@Module({ imports: [AuthModule], controllers: [ClaimsController], providers: [ClaimsService] })
export class ClaimsModule {}
