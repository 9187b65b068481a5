import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { merchantOf } from '../auth/merchant';
import { AuthUser, RequireRoles, merchantScope } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { AdminListsService } from './admin-lists.service';
import { CatalogAdminService } from './catalog-admin.service';
import { ListProductsRequest, ProductListResponse } from './dto/admin-lists.dto';
import { SkuParam } from './dto/params';
import { ProductResponse, UpsertProductRequest } from './dto/upsert-product.dto';
import { ApiErrorResponses } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 403, 409, 413, 415, 503, { 409: 'GTIN_IN_USE: another of the merchant\'s products has this GTIN (GTINs are unique within a merchant)' })
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@RequireRoles('merchant', 'admin')
@Controller('v1/admin/products')
export class AdminProductsController {
  constructor(private readonly admin: CatalogAdminService, private readonly lists: AdminListsService) {}

  @Get()
  @ApiOperation({ summary: "The merchant's own products, newest first, cursor-paged; q searches name, sku and gtin" })
  @ApiOkResponse({ type: ProductListResponse })
  list(@Query() query: ListProductsRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<ProductListResponse> {
    return this.lists.products(merchantOf(user), query, correlationId);
  }


  @Put(':sku')
  @ApiOperation({ summary: "Create or replace one of the merchant's products (gtin is stored as GTIN-14; skus and GTINs are unique within the merchant)" })
  @ApiOkResponse({ type: ProductResponse })
  upsertProduct(
    @Param() { sku }: SkuParam, @Body() body: UpsertProductRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string,
  ): Promise<ProductResponse> {
    return this.admin.upsertProduct(sku, body, merchantScope(user), { correlationId });
  }
}
