import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AdminCouponsController } from './admin-coupons.controller';
import { AdminListsService } from './admin-lists.service';
import { AdminProductsController } from './admin-products.controller';
import { AdminStoresController } from './admin-stores.controller';
import { CatalogAdminService } from './catalog-admin.service';

@Module({
  imports: [AuthModule],
  controllers: [AdminStoresController, AdminProductsController, AdminCouponsController],
  providers: [CatalogAdminService, AdminListsService],
})
export class AdminModule {}
