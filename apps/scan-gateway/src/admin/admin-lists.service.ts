import { Injectable } from '@nestjs/common';
import {
  AdminListPage, AdminListQuery, CouponListItemView, ListCouponsQuery, ListProductsQuery, ListStoresQuery, ProductView, Queries, StoreView,
  decodeAdminListCursor,
} from '@coupons/contracts';
import { ApiError } from '../errors/api-error';
import { refusal } from '../messaging/outcome-errors';
import { QueryClient } from '../messaging/query-client';
import { AdminListRequest, DEFAULT_ADMIN_PAGE, ListCouponsRequest, ListProductsRequest, ListStoresRequest } from './dto/admin-lists.dto';

/**
 * The merchant lists: catalog queries over Kafka, each narrowed to the caller's merchant (null: the platform admin,
 * everyone's). The gateway decodes the cursor (400 naming `cursor` when it is not one of ours); the catalog sorts,
 * filters and encodes the next one.
 */
@Injectable()
export class AdminListsService {
  constructor(private readonly queries: QueryClient) {}

  stores(merchantId: string | null, request: ListStoresRequest, correlationId: string): Promise<AdminListPage<StoreView>> {
    const query: ListStoresQuery = { ...paging(merchantId, request), q: request.q };
    return this.ask<StoreView>(Queries.listStores, query, correlationId);
  }

  products(merchantId: string | null, request: ListProductsRequest, correlationId: string): Promise<AdminListPage<ProductView>> {
    const query: ListProductsQuery = { ...paging(merchantId, request), q: request.q, category: request.category, brand: request.brand };
    return this.ask<ProductView>(Queries.listProducts, query, correlationId);
  }

  coupons(merchantId: string | null, request: ListCouponsRequest, correlationId: string): Promise<AdminListPage<CouponListItemView>> {
    const query: ListCouponsQuery = { ...paging(merchantId, request), status: request.status, storeId: request.storeId, q: request.q };
    return this.ask<CouponListItemView>(Queries.listCoupons, query, correlationId);
  }

  private async ask<T>(pattern: string, query: AdminListQuery, correlationId: string): Promise<AdminListPage<T>> {
    const reply = await this.queries.query<AdminListPage<T>>(pattern, query, correlationId);
    if (!reply.ok) throw refusal(reply.code, reply.message);
    return reply.value;
  }
}

function paging(merchantId: string | null, request: AdminListRequest): AdminListQuery {
  const query: AdminListQuery = { merchantId, limit: request.limit ?? DEFAULT_ADMIN_PAGE };
  if (request.cursor !== undefined) {
    const after = decodeAdminListCursor(request.cursor);
    if (!after) throw ApiError.validation([{ field: 'cursor', message: 'cursor must be a nextCursor from this API' }]);
    query.afterCreatedAt = after.createdAt;
    query.afterId = after.id;
  }
  return query;
}
