import 'reflect-metadata';
import { EnvValidationError, KafkaBrokersVar, LoggingEnv, PortVar, ReplicationFactorVar, validateEnv } from '@coupons/service-kit';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value);

/**
 * The gateway's environment (LOG_LEVEL and INSTANCE_ID come from LoggingEnv). Validated at start-up; a bad or
 * missing variable stops the process with a message naming it.
 */
export class GatewayEnv extends LoggingEnv {
  @PortVar() GATEWAY_PORT: number = 3000;

  @KafkaBrokersVar() KAFKA_BROKERS!: string[];
  @ReplicationFactorVar() KAFKA_REPLICATION_FACTOR?: number;

  /** HS256 secret; JWT_SECRET or JWT_JWKS_URL is required. */
  @Transform(emptyToUndefined)
  @ValidateIf((env: GatewayEnv) => env.JWT_SECRET !== undefined || env.JWT_JWKS_URL === undefined)
  @IsString({ message: 'JWT_SECRET or JWT_JWKS_URL must be set' })
  @MinLength(16, { message: 'must be at least 16 characters' })
  JWT_SECRET?: string;

  /** Verify tokens with the keys published there (asymmetric algorithms). */
  @Transform(emptyToUndefined)
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'must be an http(s) URL' })
  JWT_JWKS_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(500) JWT_ISSUER?: string;
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(500) JWT_AUDIENCE?: string;

  /** Enables POST /v1/auth/dev-token (tokens are signed with JWT_SECRET, so it needs one). */
  @Transform(toBool) @IsBoolean({ message: 'must be true or false' })
  AUTH_DEV_TOKENS: boolean = false;

  /** How long a request waits for a command outcome or a query reply. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(100) @Max(120_000)
  REQUEST_TIMEOUT_MS: number = 5000;

  /** Largest accepted request body; larger ones are refused with 413. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (bytes)' }) @Min(1024) @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;
}

/**
 * Validates the gateway environment (default process.env), applying defaults. Throws EnvValidationError with one line
 * per bad or missing variable.
 */
export function loadGatewayEnv(raw: Record<string, unknown> = process.env): GatewayEnv {
  const values = validateEnv(GatewayEnv)(raw);
  const env = Object.assign(new GatewayEnv(), values);
  if (env.AUTH_DEV_TOKENS && !env.JWT_SECRET) {
    throw new EnvValidationError(['AUTH_DEV_TOKENS: dev tokens are signed with JWT_SECRET, so AUTH_DEV_TOKENS=true needs JWT_SECRET']);
  }
  return env;
}
