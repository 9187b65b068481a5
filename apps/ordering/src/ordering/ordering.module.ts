import { Module } from '@nestjs/common';
import { OrderingMessagesService } from './ordering-messages.service';
import { OrderingQueriesController } from './ordering-queries.controller';

@Module({ controllers: [OrderingQueriesController], providers: [OrderingMessagesService] })
export class OrderingModule {}
