import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NotificationHistory } from './notification-history';
import { NotificationHub } from './notification-hub';
import { NotificationsController } from './notifications.controller';

@Module({ imports: [AuthModule], controllers: [NotificationsController], providers: [NotificationHub, NotificationHistory], exports: [NotificationHub] })
export class NotificationsModule {}
