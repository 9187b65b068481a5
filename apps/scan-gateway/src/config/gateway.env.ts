import 'reflect-metadata';
import { EnvValidationError, KafkaBrokersVar, LoggingEnv, PortVar, ReplicationFactorVar, loadHttpServerEnv, validateEnv } from '@coupons/service-kit';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIP, IsInt, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { isIP } from 'node:net';

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

  /**
   * Dev tokens mint any role for anyone: they are refused at start-up unless the gateway listens on a loopback
   * address (HOST), or this says explicitly that the network may mint them.
   */
  @Transform(toBool) @IsBoolean({ message: 'must be true or false' })
  AUTH_DEV_TOKENS_ON_PUBLIC_HOST: boolean = false;

  /** Where the gateway listens (the HTTP server reads it too; see service-kit's HttpServerEnv). */
  @Transform(emptyToUndefined) @IsOptional() @IsIP(undefined, { message: 'must be an IP address (e.g. 127.0.0.1 or 0.0.0.0)' })
  HOST: string = '0.0.0.0';

  /** Tokens issued longer ago than this, or living longer than this (exp - iat), are refused. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (seconds)' }) @Min(60) @Max(30 * 86_400)
  JWT_MAX_LIFETIME_SECONDS: number = 86_400;

  /** How long a request waits for a command outcome or a query reply. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(100) @Max(120_000)
  REQUEST_TIMEOUT_MS: number = 5000;

  /** Rate limits (abuse/abuse-limits.ts): the window every RATE_LIMIT_* count is per; a count of 0 turns that limit off. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(1000) @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS: number = 60_000;

  /** Scans per window from one client address. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_SCANS_PER_ADDRESS: number = 1200;

  /** Scans per window by one logged-in user. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_SCANS_PER_USER: number = 300;

  /** Claims per window from one client address. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_CLAIMS_PER_ADDRESS: number = 300;

  /** Claims per window by one user. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_CLAIMS_PER_USER: number = 60;

  /** Orders placed per window from one client address. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_ORDERS_PER_ADDRESS: number = 300;

  /** Orders placed per window by one user. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_ORDERS_PER_USER: number = 60;

  /** Dev tokens minted per window from one client address. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_DEV_TOKENS_PER_ADDRESS: number = 60;

  /** Dev tokens minted per window for one userId. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_DEV_TOKENS_PER_USER: number = 20;

  /** Any other /v1 request per window from one client address (admin, wallet, reads, bad tokens). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (0: no limit)' }) @Min(0) @Max(100_000_000)
  RATE_LIMIT_OTHER_PER_ADDRESS: number = 1200;

  /** Concurrent notification streams per user on this instance; a new one beyond it closes that user's oldest. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(1) @Max(1000)
  SSE_STREAMS_PER_USER: number = 5;

  /** Largest accepted request body; larger ones are refused with 413. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (bytes)' }) @Min(1024) @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;

  /** Deepest nesting of objects and arrays in a body (the API's deepest is 3); deeper bodies are 400s. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(3) @Max(64)
  BODY_MAX_DEPTH: number = 8;

  /** Most keys in one object of a body. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(16) @Max(10_000)
  BODY_MAX_KEYS: number = 64;

  /** Most items in one array of a body. */
  @Transform(toInt) @IsInt({ message: 'must be an integer' }) @Min(16) @Max(100_000)
  BODY_MAX_ITEMS: number = 1000;
}

/** How often a notification stream sends a heartbeat comment (notifications.controller.ts). */
export const STREAM_HEARTBEAT_MS = 15_000;

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
  // A socket quiet for HTTP_IDLE_TIMEOUT_MS is closed: that must not cut a claim waiting for its outcome, nor a
  // notification stream between two heartbeats.
  const idle = loadHttpServerEnv(raw).HTTP_IDLE_TIMEOUT_MS;
  if (idle <= Math.max(env.REQUEST_TIMEOUT_MS, STREAM_HEARTBEAT_MS)) {
    throw new EnvValidationError([
      `HTTP_IDLE_TIMEOUT_MS: ${idle} would close requests waiting up to REQUEST_TIMEOUT_MS (${env.REQUEST_TIMEOUT_MS}) or streams between heartbeats (${STREAM_HEARTBEAT_MS} ms); make it larger`,
    ]);
  }
  if (env.AUTH_DEV_TOKENS && !isLoopback(env.HOST) && !env.AUTH_DEV_TOKENS_ON_PUBLIC_HOST) {
    throw new EnvValidationError([
      `AUTH_DEV_TOKENS: anyone who reaches HOST=${env.HOST} could mint a merchant token; listen on 127.0.0.1, or set AUTH_DEV_TOKENS_ON_PUBLIC_HOST=true to allow it`,
    ]);
  }
  return env;
}

/** 127.0.0.0/8 or ::1 (IPv4-mapped included). */
export function isLoopback(host: string): boolean {
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}
