import { ServiceEnv } from '@coupons/service-kit';

export const SERVICE_NAME = 'ordering';

/** Ordering's environment (docs/architecture.md): ServiceEnv with its defaults. */
export class OrderingEnv extends ServiceEnv {
  override HTTP_PORT = 3103;
  override DATABASE_SCHEMA = 'ordering';
}
