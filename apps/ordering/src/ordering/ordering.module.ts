import { DynamicModule, Module } from '@nestjs/common';
import { ORDERING_OPTIONS, OrderingMessagesService, OrderingOptions } from './ordering-messages.service';
import { OrderingQueriesController } from './ordering-queries.controller';

@Module({})
export class OrderingModule {
  static forRoot(options: OrderingOptions): DynamicModule {
    return {
      module: OrderingModule,
      controllers: [OrderingQueriesController],
      providers: [{ provide: ORDERING_OPTIONS, useValue: options }, OrderingMessagesService],
    };
  }
}
