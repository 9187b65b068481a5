import { Body, Controller, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { RequireRoles } from '../auth/roles';
import { CorrelationId } from '../messaging/correlation';
import { CatalogAdminService } from './catalog-admin.service';
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
  constructor(private readonly admin: CatalogAdminService) {}

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
