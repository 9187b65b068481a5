import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';

/** What `npm start` runs with: DESIGN §3's variables, with the embedded defaults filled in. */
export interface StackConfig {
  gatewayPort: number;
  /** Absolute. */
  dataDir: string;
  /** Set: use these brokers instead of starting the embedded one. */
  kafkaBrokers?: string;
  /** Set: use this PostgreSQL instead of the embedded one (each service in its own schema). */
  databaseUrl?: string;
  /** Either a secret (given, or generated once and kept in DATA_DIR/jwt-secret) or a JWKS URL. */
  jwtSecret?: string;
  jwtJwksUrl?: string;
  authDevTokens: boolean;
  /** Where every service listens (HOST); 127.0.0.1 unless told otherwise. */
  host: string;
  /** AUTH_DEV_TOKENS_ON_PUBLIC_HOST: dev tokens on a non-loopback HOST were asked for explicitly. */
  authDevTokensOnPublicHost: boolean;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Reads and checks the launcher's environment; throws {@link ConfigError} naming the bad variable. */
export function readStackConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): StackConfig {
  const gatewayPort = env.GATEWAY_PORT === undefined || env.GATEWAY_PORT === '' ? 3000 : Number(env.GATEWAY_PORT);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 1 || gatewayPort > 65535) {
    throw new ConfigError(`GATEWAY_PORT must be a TCP port (1-65535), got ${JSON.stringify(env.GATEWAY_PORT)}`);
  }
  const authRaw = (env.AUTH_DEV_TOKENS ?? 'true').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(authRaw)) {
    throw new ConfigError(`AUTH_DEV_TOKENS must be true or false, got ${JSON.stringify(env.AUTH_DEV_TOKENS)}`);
  }
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  if (!isIP(host)) throw new ConfigError(`HOST must be an IP address to listen on (e.g. 127.0.0.1 or 0.0.0.0), got ${JSON.stringify(env.HOST)}`);
  const publicRaw = (env.AUTH_DEV_TOKENS_ON_PUBLIC_HOST ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0'].includes(publicRaw)) {
    throw new ConfigError(`AUTH_DEV_TOKENS_ON_PUBLIC_HOST must be true or false, got ${JSON.stringify(env.AUTH_DEV_TOKENS_ON_PUBLIC_HOST)}`);
  }
  const authDevTokens = authRaw === 'true' || authRaw === '1';
  const authDevTokensOnPublicHost = publicRaw === 'true' || publicRaw === '1';
  const loopback = host === '::1' || host.startsWith('127.');
  if (authDevTokens && !loopback && !authDevTokensOnPublicHost) {
    throw new ConfigError(
      `HOST=${host} would let anyone on the network mint merchant tokens: set AUTH_DEV_TOKENS=false, or AUTH_DEV_TOKENS_ON_PUBLIC_HOST=true if that is really meant`,
    );
  }
  const kafkaBrokers = nonEmpty(env.KAFKA_BROKERS);
  if (kafkaBrokers && !kafkaBrokers.split(',').every((b) => /^[^\s:,]+:\d+$/.test(b.trim()))) {
    throw new ConfigError(`KAFKA_BROKERS must be a comma-separated list of host:port, got ${JSON.stringify(kafkaBrokers)}`);
  }
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  return {
    gatewayPort,
    dataDir: resolve(cwd, nonEmpty(env.DATA_DIR) ?? '.data'),
    kafkaBrokers,
    databaseUrl,
    jwtSecret: nonEmpty(env.JWT_SECRET),
    jwtJwksUrl: nonEmpty(env.JWT_JWKS_URL),
    authDevTokens,
    host,
    authDevTokensOnPublicHost,
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
  };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/**
 * Creates DATA_DIR. As root, the embedded PostgreSQL runs as the `postgres` system user, which must be able to reach
 * DATA_DIR/postgres: DATA_DIR is made traversable, and an unreachable parent folder is reported rather than left to
 * fail later inside initdb.
 */
export function prepareDataDir(dataDir: string, isRoot = process.getuid?.() === 0): void {
  mkdirSync(dataDir, { recursive: true });
  if (!isRoot) return;
  chmodSync(dataDir, statSync(dataDir).mode | 0o711);
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = statSync(dir);
    if ((st.mode & 0o001) === 0) {
      throw new ConfigError(
        `DATA_DIR ${dataDir} is inside ${dir}, which other users cannot enter; the embedded PostgreSQL runs as the ` +
          `postgres user when started as root. Choose another DATA_DIR or run: chmod o+x ${dir}`,
      );
    }
    if (dirname(dir) === dir) break;
  }
}

/**
 * The JWT secret: JWT_SECRET when given, else the one kept in DATA_DIR/jwt-secret (generated on the first start), so
 * that tokens handed out stay valid across restarts.
 */
export function jwtSecretFor(config: StackConfig): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return kept;
  }
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
