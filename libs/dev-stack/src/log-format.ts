import { Color, colors } from './colors';

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const LEVEL_COLOR: Record<string, Color> = { trace: 'gray', debug: 'gray', info: 'green', warn: 'yellow', error: 'red', fatal: 'red' };
/** Fields shown as the line's own parts, or too noisy to repeat on every line. */
const HIDDEN = new Set(['time', 'level', 'msg', 'message', 'pid', 'hostname', 'v', 'service', 'name', 'instance']);
/** pino-http's request line, shown as `POST /v1/scans 200 12ms`. */
const REQUEST_FIELDS = new Set(['req', 'res', 'responseTime', 'correlationId']);

/**
 * Turns one JSON log line (pino's shape: time, level, msg, more fields) into `HH:MM:SS.mmm level msg k=v ...`.
 * Lines that are not JSON objects come back unchanged.
 */
export function formatLogLine(line: string): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return line;
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) return line;
  const level = typeof rec.level === 'number' ? (PINO_LEVELS[rec.level] ?? String(rec.level)) : String(rec.level ?? 'info');
  let msg = String(rec.msg ?? rec.message ?? '');
  const req = rec.req as { method?: string; url?: string } | undefined;
  const res = rec.res as { statusCode?: number } | undefined;
  const isRequest = !!req?.method && !!res?.statusCode;
  if (isRequest) msg = `${req!.method} ${req!.url} ${res!.statusCode}${typeof rec.responseTime === 'number' ? ` ${rec.responseTime}ms` : ''}`;
  const extras: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (HIDDEN.has(k) || v === undefined || v === null) continue;
    if (isRequest && REQUEST_FIELDS.has(k)) continue;
    if (k === 'err' && typeof v === 'object') {
      const e = v as { message?: string; stack?: string };
      extras.push(`err=${JSON.stringify(e.message ?? e)}`);
      continue;
    }
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    extras.push(`${k}=${s.length > 200 ? `${s.slice(0, 200)}…` : s}`);
  }
  const lvl = colors[LEVEL_COLOR[level] ?? 'green'](level.padEnd(5));
  return [colors.gray(formatTime(rec.time)), lvl, msg, extras.length ? colors.gray(extras.join(' ')) : ''].filter(Boolean).join(' ');
}

function formatTime(t: unknown): string {
  const d = typeof t === 'number' || typeof t === 'string' ? new Date(t) : new Date();
  const valid = Number.isNaN(d.getTime()) ? new Date() : d;
  return valid.toISOString().slice(11, 23);
}

/** NestJS start-up bookkeeping: one line per module and route, every start. */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** True for a JSON log line worth hiding at info level (NestJS module/route registration). */
export function isStartupNoise(line: string): boolean {
  if (!line.trimStart().startsWith('{')) return false;
  try {
    const rec = JSON.parse(line) as { context?: unknown; level?: unknown };
    const level = typeof rec.level === 'number' ? rec.level : 30;
    return level <= 30 && typeof rec.context === 'string' && STARTUP_CONTEXTS.has(rec.context);
  } catch {
    return false;
  }
}
