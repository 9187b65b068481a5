import { ServiceEnv } from '@coupons/service-kit';

export const SERVICE_NAME = 'wallet';

/** The wallet's environment (docs/architecture.md): ServiceEnv with its defaults. */
export class WalletEnv extends ServiceEnv {
  override HTTP_PORT = 3102;
  override DATABASE_SCHEMA = 'wallet';
}
