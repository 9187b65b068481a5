import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ScansController } from './scans.controller';
import { ScansService } from './scans.service';

@Module({ imports: [AuthModule], controllers: [ScansController], providers: [ScansService] })
export class ScansModule {}
