import 'reflect-metadata';
import { Transform } from 'class-transformer';
import { IsInt, IsIP, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy } from 'class-validator';
import ipaddr from 'ipaddr.js';
import type { Socket } from 'node:net';
import { validateEnv } from './env';

const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value);
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;

/** An address (`10.0.0.7`), or an IPv4/IPv6 network in CIDR form (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrCidr(entry: string): boolean {
  return entry.includes('/') ? safe(() => ipaddr.parseCIDR(entry)) !== null : ipaddr.isValid(entry);
}

function safe<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/**
 * What every service's HTTP server reads, validated by createServiceApp at start-up (a bad value stops the service
 * naming the variable): where it listens, how long a slow or idle client may hold a socket, and who may read /metrics.
 */
export class HttpServerEnv {
  /** The address to listen on; containers need 0.0.0.0, `npm start` passes 127.0.0.1. */
  @Transform(emptyToUndefined) @IsOptional() @IsIP(undefined, { message: 'must be an IP address (e.g. 127.0.0.1 or 0.0.0.0)' })
  HOST: string = '0.0.0.0';

  /** A socket with no traffic either way for this long is closed (SSE streams send a heartbeat every 15 s). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(1000) @Max(3_600_000)
  HTTP_IDLE_TIMEOUT_MS: number = 60_000;

  /** The request line and headers must have arrived within this time. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(1000) @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS: number = 10_000;

  /** The whole request, body included, must have arrived within this time (a slow body is cut off). */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(1000) @Max(600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  /** A kept-alive socket waiting for its next request is closed after this long. */
  @Transform(toInt) @IsInt({ message: 'must be an integer (milliseconds)' }) @Min(100) @Max(600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 5_000;

  /** Comma-separated addresses or CIDR networks that may read /metrics; unset: any address. */
  @Transform(toList) @IsOptional()
  @ValidateBy({
    name: 'isAddressList',
    validator: {
      validate: (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string' && isAddressOrCidr(e)),
      defaultMessage: () => 'must be a comma-separated list of IP addresses or CIDR networks',
    },
  })
  METRICS_ALLOW?: string[];

  /** When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' })
  @Matches(/^[\x21-\x7E]+$/, { message: 'must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;
}

/** The HTTP server's settings from `raw` (default process.env); throws EnvValidationError naming bad variables. */
export function loadHttpServerEnv(raw: Record<string, unknown> = process.env): HttpServerEnv {
  return Object.assign(new HttpServerEnv(), validateEnv(HttpServerEnv)(raw));
}

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is one of the METRICS_ALLOW entries. */
export function addressAllowed(address: string | undefined, allow: string[]): boolean {
  const parsed = address ? safe(() => ipaddr.process(address)) : null;
  if (!parsed) return false;
  return allow.some((entry) => {
    const range = entry.includes('/') ? safe(() => ipaddr.parseCIDR(entry)) : safe(() => ipaddr.process(entry));
    if (!range) return false;
    if (Array.isArray(range)) return parsed.kind() === range[0].kind() && parsed.match(range);
    return parsed.kind() === range.kind() && parsed.toNormalizedString() === range.toNormalizedString();
  });
}

/**
 * Node's HTTP parser answers a request it cannot parse (headers too large, a malformed request line, a request that
 * took too long) itself, before any framework code. This writes those answers in the contract's error format.
 */
export function contractClientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'REQUEST_TIMEOUT', 'the request took too long to arrive']
    : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'HEADERS_TOO_LARGE', 'the request headers are too large']
    : [400, 'Bad Request', 'BAD_REQUEST', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message, details: [] } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
