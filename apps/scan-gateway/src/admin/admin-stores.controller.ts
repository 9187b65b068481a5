import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { merchantOf } from '../auth/merchant';
import { AuthUser, RequireRoles } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { AdminListsService } from './admin-lists.service';
import { CatalogAdminService } from './catalog-admin.service';
import { ListStoresRequest, StoreListResponse } from './dto/admin-lists.dto';
import { StoreIdParam } from './dto/params';
import { DisplaysResponse, SetDisplaysRequest } from './dto/set-displays.dto';
import { StoreResponse, UpsertStoreRequest } from './dto/upsert-store.dto';
import { ApiErrorResponses } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 403, 413, 415, 422, 503)
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@RequireRoles('merchant')
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
  @ApiOperation({ summary: 'Create or rename a store' })
  @ApiOkResponse({ type: StoreResponse })
  upsertStore(@Param() { storeId }: StoreIdParam, @Body() body: UpsertStoreRequest, @CorrelationId() correlationId: string): Promise<StoreResponse> {
    return this.admin.upsertStore(storeId, body.name, { correlationId });
  }

  @Put(':storeId/displays')
  @ApiOperation({ summary: "Replace the store's promoted products" })
  @ApiOkResponse({ type: DisplaysResponse })
  setDisplays(@Param() { storeId }: StoreIdParam, @Body() body: SetDisplaysRequest, @CorrelationId() correlationId: string): Promise<DisplaysResponse> {
    return this.admin.setDisplays(storeId, body, { correlationId });
  }
}
