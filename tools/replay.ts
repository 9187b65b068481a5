/**
 * `npm run replay -- <service> [--verify | --from-scratch] [...]`: runs the service's replay entry
 * (dist/apps/<service>/src/replay/replay.js) with the service's environment (KAFKA_BROKERS, DATABASE_URL,
 * DATABASE_SCHEMA). When KAFKA_BROKERS or DATABASE_URL is unset and `npm start` is running, they are read from the
 * file the launcher writes, DATA_DIR/stack.json (DATA_DIR defaults to .data). See docs/replay-and-recovery.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SERVICES = ['coupon-catalog', 'wallet', 'ordering'];
/** The database `npm start`'s embedded PostgreSQL keeps the services' schemas in (dev-stack EMBEDDED_DATABASE). */
const EMBEDDED_DATABASE = 'coupons';

function root(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('no nx.json above the replay tool');
    dir = up;
  }
  return dir;
}

/** Connection details of a running `npm start`, when it wrote DATA_DIR/stack.json. */
export function fromStackFile(env: NodeJS.ProcessEnv, cwd: string): Record<string, string> {
  const file = join(resolve(cwd, env.DATA_DIR || '.data'), 'stack.json');
  if (!existsSync(file)) return {};
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as {
      brokers?: string;
      databaseUrl?: string;
      embedded?: { postgres?: { port?: number } };
    };
    const out: Record<string, string> = {};
    if (s.brokers) out.KAFKA_BROKERS = s.brokers;
    if (s.databaseUrl) out.DATABASE_URL = s.databaseUrl;
    else if (s.embedded?.postgres?.port) out.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${s.embedded.postgres.port}/${EMBEDDED_DATABASE}`;
    return out;
  } catch {
    return {};
  }
}

function main(): number {
  const [service, ...args] = process.argv.slice(2);
  if (!service || !SERVICES.includes(service)) {
    process.stderr.write(`usage: npm run replay -- <${SERVICES.join('|')}> [--verify | --from-scratch] [--timeout <s>] [--batch-size <n>]\n`);
    return 2;
  }
  const env = { ...process.env };
  if (!env.KAFKA_BROKERS || !env.DATABASE_URL) {
    const found = fromStackFile(env, process.cwd());
    for (const [k, v] of Object.entries(found)) {
      if (!env[k]) {
        env[k] = v;
        process.stderr.write(`${k} from the running npm start (stack.json): ${k === 'DATABASE_URL' ? v.replace(/:[^:@/]*@/, ':***@') : v}\n`);
      }
    }
  }
  const entry = join(root(), 'dist', 'apps', service, 'src', 'replay', 'replay.js');
  const r = spawnSync(process.execPath, [entry, ...args], { env, stdio: 'inherit' });
  return r.status ?? 1;
}

if (require.main === module) process.exit(main());
