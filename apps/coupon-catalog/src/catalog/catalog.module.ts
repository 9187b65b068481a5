import { Module } from '@nestjs/common';
import { CatalogMessagesService } from './catalog-messages.service';
import { CatalogQueriesController } from './catalog-queries.controller';

@Module({
  controllers: [CatalogQueriesController],
  providers: [CatalogMessagesService],
})
export class CatalogModule {}
