// `npm start`: the whole system on one machine (DESIGN §3). Embedded broker and PostgreSQL unless KAFKA_BROKERS /
// DATABASE_URL say otherwise, the four services as child processes, demo data on the first start, then a banner.
// Ctrl-C stops the services, then the broker, then PostgreSQL.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NAMES, ServiceProcess, mintDevToken, serviceScript, workspaceRoot } from '@coupons/testing';
import { renderBanner } from '../banner';
import { colors } from '../colors';
import { ConfigError, jwtSecretFor, prepareDataDir, readStackConfig } from '../env';
import { Infrastructure, startInfrastructure } from '../infrastructure';
import { isPortFree } from '../ports';
import { createServiceProcesses, printLine } from '../processes';
import { DEMO_EXAMPLES } from '../seed/demo-data';
import { readSeedMarker, seedDemoData } from '../seed/seed';

/** Runtime facts of the running stack, for tools and tests; removed on a clean stop. */
export const RUNTIME_FILE = 'stack.json';
const HEALTH_TIMEOUT_MS = 120_000;

let infra: Infrastructure | undefined;
let services: ServiceProcess[] = [];
let stopping = false;
let runtimeFile: string | undefined;

const say = (line: string) => printLine('stack', line);

async function main(): Promise<void> {
  const config = readStackConfig(process.env);
  const missing = SERVICE_NAMES.map((s) => serviceScript(s, workspaceRoot(__dirname))).filter((f) => !existsSync(f));
  if (missing.length) throw new ConfigError(`not built: ${missing.join(', ')}; run \`npm run build\` (npm start does)`);
  prepareDataDir(config.dataDir);
  const jwtSecret = jwtSecretFor(config);
  if (!(await isPortFree(config.gatewayPort))) {
    throw new ConfigError(`port ${config.gatewayPort} is already in use: stop what uses it or set GATEWAY_PORT`);
  }

  say(`data in ${config.dataDir}`);
  say(config.kafkaBrokers ? `using Kafka at ${config.kafkaBrokers}` : 'starting the embedded Kafka-protocol broker');
  say(config.databaseUrl ? 'using the PostgreSQL of DATABASE_URL' : 'starting the embedded PostgreSQL');
  // The broker narrates every topic and group change; at info level show only what needs attention.
  const verbose = ['debug', 'trace'].includes(config.logLevel);
  infra = await startInfrastructure(config, (source, line) => {
    if (verbose || source !== 'broker' || /listening|error|fail|warn|refus|corrupt/i.test(line)) printLine(source, line);
  });
  if (infra.embedded.postgres) printLine('postgres', `listening on 127.0.0.1:${infra.embedded.postgres.port} (data in ${infra.embedded.postgres.dataDir})`);
  if (stopping) return;

  services = await createServiceProcesses(config, infra, jwtSecret);
  say(`starting ${services.map((s) => `${s.label} (:${s.port})`).join(', ')}`);
  for (const s of services) s.start();
  await Promise.all(services.map((s) => s.waitHealthy(HEALTH_TIMEOUT_MS)));
  if (stopping) return;
  for (const s of services) void watchForCrash(s);
  say('all services are healthy');

  const gatewayUrl = `http://127.0.0.1:${config.gatewayPort}`;
  let customerToken: string | undefined;
  let merchantToken: string | undefined;
  let seeded: 'now' | 'earlier' | 'skipped' = 'skipped';
  if (config.authDevTokens) {
    customerToken = await mintDevToken(gatewayUrl, DEMO_EXAMPLES.customer.userId, DEMO_EXAMPLES.customer.roles);
    merchantToken = await mintDevToken(gatewayUrl, DEMO_EXAMPLES.merchant.userId, DEMO_EXAMPLES.merchant.roles, DEMO_EXAMPLES.merchant.merchantId);
    if (readSeedMarker(config.dataDir)) {
      seeded = 'earlier';
    } else {
      say('loading the demo data set through the admin API');
      await seedDemoData(gatewayUrl, merchantToken, config.dataDir, (l) => say(`  ${l}`));
      seeded = 'now';
    }
  } else {
    say('AUTH_DEV_TOKENS=false: no demo tokens, and the demo data set is not loaded');
  }
  if (stopping) return;

  runtimeFile = join(config.dataDir, RUNTIME_FILE);
  writeFileSync(
    runtimeFile,
    JSON.stringify(
      {
        launcherPid: process.pid,
        gatewayUrl,
        brokers: infra.brokers,
        // For tools that attach to the running stack (npm run replay); the file is readable by its owner only.
        databaseUrl: infra.databaseUrl,
        embedded: infra.embedded,
        services: services.map((s) => ({ name: s.label, url: s.url, port: s.port, pid: s.pid })),
      },
      null,
      2,
    ) + '\n',
    { mode: 0o600 },
  );
  // Let the services' last request log lines arrive first, so that the banner is the last thing on screen.
  await new Promise((r) => setTimeout(r, 300));
  process.stdout.write(
    renderBanner({
      gatewayUrl,
      customerToken,
      merchantToken,
      brokers: infra.brokers,
      databaseUrl: infra.databaseUrl,
      dataDir: config.dataDir,
      services: services.map((s) => ({ name: s.label, url: s.url, pid: s.pid })),
      seeded,
    }) + '\n',
  );
}

async function watchForCrash(s: ServiceProcess): Promise<void> {
  await s.waitExit();
  if (stopping) return;
  const e = s.exit;
  printLine(s.label, colors.red(`exited (${e?.signal ? `signal ${e.signal}` : `code ${e?.code}`}); the others keep running. Restart npm start to bring it back.`), 'stderr');
}

async function shutdown(code: number): Promise<never> {
  stopping = true;
  if (services.length) say('stopping services');
  await Promise.all(services.map((s) => s.kill('SIGTERM', 10_000)));
  if (infra) {
    const embedded = [infra.embedded.broker && 'the broker', infra.embedded.postgres && 'PostgreSQL'].filter(Boolean);
    if (embedded.length) say(`stopping ${embedded.join(' and ')}`);
    await infra.stop();
  }
  if (runtimeFile) rmSync(runtimeFile, { force: true });
  if (services.length || infra) say('stopped');
  process.exit(code);
}

/** When the first stop signal came: a terminal's Ctrl-C reaches the launcher twice (from the terminal and from npm). */
let firstSignalAt = 0;

function onSignal(signal: NodeJS.Signals): void {
  if (stopping && Date.now() - firstSignalAt < 1000) return;
  if (stopping) {
    // Second Ctrl-C: no more waiting.
    say(`${signal} again: killing everything`);
    for (const s of services) if (s.pid) try { process.kill(-s.pid, 'SIGKILL'); } catch { /* gone */ }
    process.exit(130);
  }
  firstSignalAt = Date.now();
  say(`${signal} received`);
  void shutdown(0);
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.on('SIGHUP', onSignal);
// Last resort if the launcher dies of an unexpected error: leave no service behind.
process.on('exit', () => {
  for (const s of services) if (s.running && s.pid) try { process.kill(-s.pid, 'SIGKILL'); } catch { /* gone */ }
});

main().catch(async (err: Error) => {
  if (stopping) return;
  // Our own failures (bad config, a service that never got healthy) read best as their message; others need the stack.
  const known = err instanceof ConfigError || /before it was healthy|was not healthy/.test(err.message);
  printLine('stack', colors.red(known ? err.message : (err.stack ?? String(err))), 'stderr');
  await shutdown(1);
});
