import { ServiceEnv } from '@coupons/service-kit';
import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export const SERVICE_NAME = 'ordering';

/** Ordering's environment (docs/architecture.md): ServiceEnv with its defaults. */
export class OrderingEnv extends ServiceEnv {
  override HTTP_PORT = 3103;
  override DATABASE_SCHEMA = 'ordering';
  /**
   * Read-your-writes: how long an order waits for ordering to fold the wallet events named in its mustHaveSeen
   * before it is decided without them (milliseconds). Default 3 s: below the gateway's REQUEST_TIMEOUT_MS (5 s), so
   * an order decided after a timed-out wait is still answered 201, not 202.
   */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'must be an integer 0..60000' })
  @Min(0, { message: 'must be an integer 0..60000' })
  @Max(60_000, { message: 'must be an integer 0..60000' })
  ORDER_SEEN_TIMEOUT_MS = 3_000;
}
