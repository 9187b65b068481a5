import { ServiceEnv } from '@coupons/service-kit';

export const SERVICE_NAME = 'coupon-catalog';

/** The catalog's environment (docs/architecture.md): ServiceEnv with its defaults. */
export class CatalogEnv extends ServiceEnv {
  override HTTP_PORT = 3101;
  override DATABASE_SCHEMA = 'coupon_catalog';
}
