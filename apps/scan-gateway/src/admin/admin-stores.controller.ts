import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { merchantOf } from '../auth/merchant';
import { AuthUser, RequireRoles, merchantScope } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { AdminListsService } from './admin-lists.service';
import { CatalogAdminService } from './catalog-admin.service';
import { ListStoresRequest, StoreListResponse } from './dto/admin-lists.dto';
import { StoreIdParam } from './dto/params';
import { DisplaysResponse, SetDisplaysRequest } from './dto/set-displays.dto';
import { StoreResponse, UpsertStoreRequest } from './dto/upsert-store.dto';
import { ApiErrorResponses, NOT_YOURS } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 503, {
  404: `STORE_NOT_FOUND (displays of a store not the merchant's), PRODUCT_NOT_FOUND (a display item not the store's merchant's product; details name items[i].sku): ${NOT_YOURS}`,
  409: 'STORE_ID_TAKEN: another merchant holds this store id (store ids are unique on the platform)',
})
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@RequireRoles('merchant', 'admin')
@Controller('v1/admin/stores')
export class AdminStoresController {
  constructor(private readonly admin: CatalogAdminService, private readonly lists: AdminListsService) {}

  @Get()
  @ApiOperation({ summary: "The merchant's own stores, newest first, cursor-paged" })
  @ApiOkResponse({ type: StoreListResponse })
  list(@Query() query: ListStoresRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string): Promise<StoreListResponse> {
    return this.lists.stores(merchantOf(user), query, correlationId);
  }


  @Put(':storeId')
  @ApiOperation({ summary: "Create or rename one of the merchant's stores (store ids are unique on the platform: another merchant's is 409 STORE_ID_TAKEN)" })
  @ApiOkResponse({ type: StoreResponse })
  upsertStore(
    @Param() { storeId }: StoreIdParam, @Body() body: UpsertStoreRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string,
  ): Promise<StoreResponse> {
    return this.admin.upsertStore(storeId, body.name, merchantScope(user), { correlationId });
  }

  @Put(':storeId/displays')
  @ApiOperation({ summary: "Replace the store's promoted products (the store's merchant's products only; another's store or sku is 404)" })
  @ApiOkResponse({ type: DisplaysResponse })
  setDisplays(
    @Param() { storeId }: StoreIdParam, @Body() body: SetDisplaysRequest, @CurrentUser() user: AuthUser, @CorrelationId() correlationId: string,
  ): Promise<DisplaysResponse> {
    return this.admin.setDisplays(storeId, body, merchantScope(user), { correlationId });
  }
}
