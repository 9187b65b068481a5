// docker-compose.yml must parse, and must keep the production shape DESIGN §3 describes. Needs the docker-compose
// binary (CI installs it); skipped without it. Runs no container.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DATABASE_SCHEMAS, RunningStack, ServiceName, startStack, workspaceRoot } from '@coupons/testing';

const root = workspaceRoot(__dirname);
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const itWithCompose = hasCompose ? it : it.skip;

describe('docker-compose.yml', () => {
  const compose = (...args: string[]) => execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...args], { cwd: root, encoding: 'utf8' });

  itWithCompose('parses (docker-compose config -q)', () => {
    expect(() => compose('config', '-q')).not.toThrow();
  });

  itWithCompose('runs Apache Kafka, PostgreSQL 17 and the four services, each service waiting for healthy dependencies', () => {
    const config = compose('config');
    expect(compose('--profile', 'cluster', 'config', '--services').trim().split('\n').sort()).toEqual(
      ['coupon-catalog', 'kafka', 'kafka-2', 'kafka-3', 'kafka-volumes', 'ordering', 'postgres', 'scan-gateway', 'wallet'],
    );
    expect(config).toMatch(/image: apache\/kafka:/);
    expect(config).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(config).toMatch(/image: postgres:17/);
    for (const svc of ['coupon-catalog', 'wallet', 'ordering', 'scan-gateway']) {
      expect(config).toContain(`dockerfile: apps/${svc}/Dockerfile`);
    }
    expect(config.match(/KAFKA_BROKERS: kafka:9092/g)).toHaveLength(4);
    expect(config).toMatch(/AUTH_DEV_TOKENS: 'false'|AUTH_DEV_TOKENS: "false"/);
    expect(config).not.toMatch(/condition: service_started/);
    expect((config.match(/condition: service_healthy/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect((config.match(/healthcheck:/g) ?? []).length).toBe(4);
  });

  itWithCompose('keeps Kafka\'s log on a named volume its non-root user owns, and never auto-creates topics', () => {
    const config = compose('config');
    expect(config).toMatch(/kafka-data:\/var\/lib\/kafka\/data/);
    expect(config).toMatch(/KAFKA_LOG_DIRS: \/var\/lib\/kafka\/data/);
    expect(config).toMatch(/chown -R 1000:1000 \/volumes\/kafka-1/);
    expect(config).toMatch(/condition: service_completed_successfully/);
    expect(config.match(/KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false'|KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"/g)).toHaveLength(3);
  });

  itWithCompose('runs three Kafka nodes under --profile cluster, and the services\' replication follows', () => {
    const config = compose('--profile', 'cluster', '--env-file', join(root, 'docker', 'kafka', 'cluster.env'), 'config');
    expect(config.match(/KAFKA_CONTROLLER_QUORUM_VOTERS: 1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093/g)).toHaveLength(3);
    expect(config.match(/KAFKA_REPLICATION_FACTOR: '3'/g)).toHaveLength(4);
    expect(config.match(/KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3'/g)).toHaveLength(3);
    expect(config.match(/KAFKA_MIN_INSYNC_REPLICAS: '2'/g)).toHaveLength(3);
    expect(config.match(/KAFKA_BROKERS: kafka:9092,kafka-2:9092,kafka-3:9092/g)).toHaveLength(4);
  });
});

describe('service Dockerfiles', () => {
  it.each(['coupon-catalog', 'wallet', 'ordering', 'scan-gateway'])('%s builds in stages and runs as the non-root node user with a health check', (svc) => {
    const text = readFileSync(join(root, 'apps', svc, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^FROM node:20-slim AS build$/m);
    expect(text).toMatch(/RUN npm ci\b/);
    expect(text).toMatch(/RUN npm run build/);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n.*\/health/m);
    expect(text).toContain(`CMD ["node", "dist/apps/${svc}/src/main.js"]`);
    // Dev-only infrastructure never ships in a service image.
    expect(text).not.toMatch(/dist\/libs\/(dev-broker|dev-stack|testing)/);
  });
});

// The compose PostgreSQL init script, run for real (psql against the stack's own PostgreSQL server: it creates
// roles, which are cluster-wide), then each database service started as a process with its compose-style
// DATABASE_URL: it must migrate its schema under its own role. The services run as their containers would: with the
// variables docker-compose.yml gives them and nothing else (no inherited environment, no dev preload); the broker and
// PostgreSQL they reach are known to them only through KAFKA_BROKERS and DATABASE_URL.
const hasPsql = spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
(hasPsql ? describe : describe.skip)('compose PostgreSQL init script', () => {
  const services: ServiceName[] = ['coupon-catalog', 'wallet', 'ordering'];
  let stack: RunningStack;
  let server: URL;

  /** Creates the compose database and runs the compose init script on it; each service connects as its own role. */
  async function composeDatabase(serverUrl: string): Promise<(service: ServiceName) => string> {
    server = new URL(serverUrl);
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE coupons');
    await admin.end();
    execFileSync('bash', [join(root, 'docker/postgres/init/01-service-schemas.sh')], {
      env: {
        ...process.env,
        POSTGRES_USER: decodeURIComponent(server.username),
        POSTGRES_DB: 'coupons',
        SERVICE_DB_PASSWORD: 'compose-test',
        PGHOST: server.hostname,
        PGPORT: server.port,
        PGPASSWORD: decodeURIComponent(server.password),
      },
      stdio: 'pipe',
    });
    return (service) => `postgres://${DATABASE_SCHEMAS[service]!}:compose-test@${server.hostname}:${server.port}/coupons`;
  }

  beforeAll(async () => {
    stack = await startStack({ services, ownPostgres: { databaseUrls: composeDatabase }, env: { LOG_LEVEL: 'warn', KAFKA_REPLICATION_FACTOR: '1' }, isolated: true });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(services)('runs %s with only the variables its compose service sets, and no dev-only module loaded', (service) => {
    const pid = stack.proc(service).pid!;
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    // docker-compose.yml's environment of coupon-catalog / wallet / ordering, key for key.
    expect(environ.map((kv) => kv.slice(0, kv.indexOf('='))).sort()).toEqual(['DATABASE_SCHEMA', 'DATABASE_URL', 'HTTP_PORT', 'KAFKA_BROKERS', 'KAFKA_REPLICATION_FACTOR', 'LOG_LEVEL']);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(cmdline.slice(1)).toEqual([expect.stringMatching(new RegExp(`dist/apps/${service}/src/main\\.js$`))]);
  });

  it.each(services)('lets %s migrate its own schema under its own role', async (service) => {
    const schema = DATABASE_SCHEMAS[service]!;
    // Up and healthy with its role's DATABASE_URL (startStack waited for it; still so now that all three run).
    expect((await fetch(`${stack.proc(service).url}/health`)).status).toBe(200);
    const admin = new Client({ connectionString: `${stack.databaseUrl.replace(/\/postgres$/, '')}/coupons` });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        `select t.table_schema, c.relowner::regrole::text as owner from information_schema.tables t
           join pg_class c on c.relname = t.table_name join pg_namespace n on n.oid = c.relnamespace and n.nspname = t.table_schema
          where t.table_schema not in ('pg_catalog', 'information_schema')`,
      );
      const mine = rows.filter((r) => r.owner === schema);
      expect(mine.length).toBeGreaterThan(0);
      expect(new Set(mine.map((r) => r.table_schema))).toEqual(new Set([schema]));
    } finally {
      await admin.end();
    }
  });
});
