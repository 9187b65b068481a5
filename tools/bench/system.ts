// Starts the whole system for the benchmark: the embedded broker (its own process, on disk, as under `npm start`) and
// PostgreSQL (embedded, or DATABASE_URL), or the external ones of KAFKA_BROKERS / DATABASE_URL, then the four
// services as processes from dist/. Everything it starts it stops again, also when the benchmark fails half-way.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import {
  DATABASE_SCHEMAS, SERVICE_NAMES, ServiceName, ServiceProcess, createTestDatabase, freePort, serviceEnv, serviceScript,
  startEmbeddedPostgres, workspaceRoot,
} from '@coupons/testing';
import { childPids } from './process-cpu';

export interface BenchSystem {
  gatewayUrl: string;
  brokers: string;
  databaseUrl: string;
  jwtSecret: string;
  /** Where each service keeps its projections (per-run schemas when DATABASE_URL is external). */
  schemas: Partial<Record<ServiceName, string>>;
  services: ServiceProcess[];
  /** The embedded broker process, when this run started one (its pid, for memory figures). */
  brokerPid?: number;
  /** The embedded PostgreSQL's postmaster, when this run started one (its backends are its children). */
  postgresPid?: number;
  description: { kafka: string; postgres: string };
  logDir: string;
  /** Stops the services only (the broker and PostgreSQL keep running, e.g. for the replay scenario). */
  stopServices(): Promise<void>;
  /** Stops everything this run started. */
  stop(): Promise<void>;
}

export interface EmbeddedBroker {
  brokers: string;
  pid: number;
  stop(): Promise<void>;
}

const EXIT_WITH_PARENT = (root: string) => join(root, 'dist', 'libs', 'testing', 'src', 'exit-with-parent.mjs');

/** The dev-broker CLI in a process of its own (so its CPU is not the load generator's), data on disk in `dataDir`. */
export async function startBrokerProcess(dataDir: string): Promise<EmbeddedBroker> {
  const root = workspaceRoot(__dirname);
  mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', pathToFileURL(EXIT_WITH_PARENT(root)).href, join(root, 'dist', 'libs', 'dev-broker', 'src', 'cli.js'), '--port', '0', '--data-dir', dataDir, '--quiet'],
    { stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  child.stdin!.on('error', () => undefined);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d.toString()).slice(-4000)));
  const brokers = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the embedded broker did not start in 30 s: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded broker exited with ${code}: ${stderr}`));
    });
  });
  return {
    brokers,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A fresh database on the embedded server, or per-run schemas in the database of DATABASE_URL. The embedded server is
 * started twice when `statements` is set: once to write shared_preload_libraries = pg_stat_statements (which only a
 * server start reads), then for good.
 */
async function databaseFor(
  runId: string,
  log: (l: string) => void,
  statements: boolean,
): Promise<{ url: string; schemas: Partial<Record<ServiceName, string>>; description: string; postgresPid?: number; stop: () => Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    // Schemas of this run only, so the benchmark never touches a deployment's own rows; dropped at the end.
    const schemas = Object.fromEntries(Object.entries(DATABASE_SCHEMAS).map(([s, schema]) => [s, `${schema}_bench_${runId}`])) as Partial<Record<ServiceName, string>>;
    return {
      url: external,
      schemas,
      description: `DATABASE_URL (schemas *_bench_${runId})`,
      stop: async () => {
        const c = new Client({ connectionString: external });
        await c.connect();
        try {
          for (const schema of Object.values(schemas)) await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await c.end();
        }
      },
    };
  }
  log(`starting the embedded PostgreSQL${statements ? ' (with pg_stat_statements)' : ''}`);
  // In the system's temporary directory, as the test servers are: as root the server runs as the postgres user.
  const dataDir = mkdtempSync(join(tmpdir(), 'coupons-bench-pg-'));
  const start = () => startEmbeddedPostgres({ dataDir, ownProcessGroup: true, timeoutMs: 120_000 });
  let pg = await start();
  try {
    if (statements) {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      try {
        await c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
      } finally {
        await c.end();
      }
      await pg.stop();
      pg = await start();
    }
    const url = await createTestDatabase(pg.url, 'bench');
    const postgresPid = pg.pid === undefined ? undefined : childPids(pg.pid)[0];
    const stop = async () => {
      await pg.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    return { url, schemas: { ...DATABASE_SCHEMAS }, description: `embedded PostgreSQL${statements ? ' with pg_stat_statements' : ''}`, postgresPid, stop };
  } catch (err) {
    await pg.stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export interface StartSystemOptions {
  runDir: string;
  log: (line: string) => void;
  /** Extra environment for every service (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** Services to run under the V8 profiler (`--cpu-prof`), profiles written to this directory when they stop. */
  profile?: { services: string[]; dir: string };
  /** Preload pg_stat_statements into the embedded PostgreSQL (SQL statements per claim); default true. */
  sqlStatements?: boolean;
}

/** Starts everything and resolves once every service answers /health. */
export async function startSystem(opts: StartSystemOptions): Promise<BenchSystem> {
  const root = workspaceRoot(__dirname);
  for (const s of SERVICE_NAMES) serviceScript(s, root);
  const runId = randomBytes(3).toString('hex');
  const logDir = join(opts.runDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const services: ServiceProcess[] = [];
  const stopServices = async () => {
    await Promise.all(services.map((p) => p.kill('SIGTERM')));
  };
  const stop = async () => {
    await stopServices();
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    let brokers = process.env.KAFKA_BROKERS;
    let brokerPid: number | undefined;
    let kafka = `KAFKA_BROKERS ${brokers}`;
    if (!brokers) {
      opts.log('starting the embedded Kafka-protocol broker (own process, data on disk)');
      const dataDir = join(opts.runDir, 'kafka');
      const b = await startBrokerProcess(dataDir);
      stops.push(async () => {
        await b.stop();
        rmSync(dataDir, { recursive: true, force: true });
      });
      brokers = b.brokers;
      brokerPid = b.pid;
      kafka = `embedded dev-broker ${brokers} (on disk)`;
    }
    const db = await databaseFor(runId, opts.log, opts.sqlStatements ?? true);
    stops.push(db.stop);

    const jwtSecret = randomBytes(32).toString('hex');
    for (const service of SERVICE_NAMES) {
      const httpPort = await freePort();
      const env = {
        ...serviceEnv(service, {
          brokers,
          databaseUrl: db.url,
          httpPort,
          jwtSecret,
          authDevTokens: true,
          logLevel: 'warn',
          instanceId: `bench-${service}`,
          schema: db.schemas[service],
        }),
        ...opts.env,
        ...(opts.profile?.services.includes(service)
          ? { NODE_OPTIONS: `--import ${pathToFileURL(join(root, 'tools', 'bench', 'cpu-profiler.mjs')).href}`, BENCH_PROFILE_DIR: opts.profile.dir }
          : {}),
      };
      services.push(
        new ServiceProcess({ service, label: service, script: serviceScript(service, root), env, httpPort, output: { kind: 'file', path: join(logDir, `${service}.log`) } }),
      );
    }
    opts.log(`starting ${services.map((s) => s.label).join(', ')}`);
    services.forEach((s) => s.start());
    await Promise.all(services.map((s) => s.waitHealthy(120_000)));
    const gateway = services.find((s) => s.service === 'scan-gateway')!;
    return { gatewayUrl: gateway.url, brokers, databaseUrl: db.url, jwtSecret, schemas: db.schemas, services, brokerPid, postgresPid: db.postgresPid, description: { kafka, postgres: db.description }, logDir, stopServices, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
