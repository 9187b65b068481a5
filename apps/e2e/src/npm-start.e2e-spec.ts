// `npm start` as a developer uses it: the launcher from dist/ with a fresh DATA_DIR, the banner's example scan run as
// printed, Ctrl-C, and nothing left running; then a second start on the same DATA_DIR keeps the demo data.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApacheKafkaCluster, startApacheKafka } from '@coupons/apache-kafka';
import { brokerKindFromEnv, freePort, workspaceRoot } from '@coupons/testing';
import { Launch, launchNpmStart, waitForBanner } from './support/npm-start';

const root = workspaceRoot(__dirname);
const launcher = join(root, 'dist', 'libs', 'dev-stack', 'src', 'cli', 'start.js');

const launch = (dataDir: string, gatewayPort: number, via: 'node' | 'npm', kafkaBrokers?: string): Launch =>
  launchNpmStart(dataDir, gatewayPort, { workspace: root, via, kafkaBrokers });

/** The curl commands of the banner, as printed (each from `curl` to its `-d` line). */
function bannerCurls(banner: string): string[] {
  const out: string[] = [];
  const lines = banner.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith('curl ')) continue;
    const cmd: string[] = [];
    for (let j = i; j < lines.length; j++) {
      cmd.push(lines[j].trim());
      if (!lines[j].trimEnd().endsWith('\\')) break;
    }
    out.push(cmd.join('\n'));
  }
  return out;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

/** Whether something accepts TCP connections at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Runs a banner command exactly as a developer pasting it would. */
function runInShell(cmd: string): any {
  return JSON.parse(execFileSync('sh', ['-c', cmd], { encoding: 'utf8', timeout: 30_000 }));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface RuntimeInfo {
  launcherPid: number;
  embedded: { broker?: { port: number }; postgres?: { port: number; dataDir: string; runnerPid?: number } };
  services: Array<{ name: string; port: number; pid: number }>;
}

/** Sends Ctrl-C's signal (or another) and checks that every process and port of the run is gone. */
async function stopAndCheckNothingLeft(l: Launch, info: RuntimeInfo, postmasterPid: number, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  l.child.kill(signal);
  expect(await l.exited).toBe(0);
  expect(pidAlive(info.launcherPid)).toBe(false);
  expect(l.output()).toContain('[stack]');
  const pids = [...info.services.map((s) => s.pid), postmasterPid, info.embedded.postgres?.runnerPid].filter((p): p is number => !!p);
  await eventually(() => pids.every((p) => !pidAlive(p)), `processes ${pids.join(', ')} gone`);
  const ports = [...info.services.map((s) => s.port), ...(info.embedded.broker ? [info.embedded.broker.port] : []), info.embedded.postgres!.port];
  for (const port of ports) await eventually(() => portFree(port), `port ${port} free`);
}

describe('npm start', () => {
  let dataDir: string;
  let current: Launch | undefined;
  let kafka: ApacheKafkaCluster | undefined;

  beforeAll(async () => {
    if (!existsSync(launcher)) throw new Error(`${launcher} is missing: run \`npm run build\` first`);
    dataDir = mkdtempSync(join(tmpdir(), 'coupons-npm-start-'));
    if (brokerKindFromEnv() === 'apache') kafka = await startApacheKafka({ brokers: 1 });
  });

  afterAll(async () => {
    if (current && current.child.exitCode === null) {
      current.child.kill('SIGINT');
      await Promise.race([current.exited, new Promise((r) => setTimeout(r, 30_000))]);
    }
    await kafka?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything, answers the banner example scan, stops on Ctrl-C, and keeps its data for the next start', async () => {
    const port = await freePort();
    current = launch(dataDir, port, 'node', kafka?.brokers);
    const banner = await waitForBanner(current);
    expect(banner).toContain(`http://127.0.0.1:${port}`);
    expect(banner).toContain('demo data loaded just now');
    // The shopper's web app, at the URL the banner prints.
    const appUrl = /Shopper app:\s+(?:\x1b\[[0-9;]*m)*(http:\/\/\S+?\/)(?:\x1b|\s)/.exec(banner)?.[1];
    expect(appUrl).toBe(`http://127.0.0.1:${port}/`);
    const app = await fetch(appUrl!);
    expect([app.status, app.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);

    const curls = bannerCurls(banner);
    expect(curls).toHaveLength(2);
    const scan = runInShell(curls[0]);
    expect(scan.product).toMatchObject({ sku: expect.any(String) });
    expect(scan.coupons.length).toBeGreaterThan(1);
    expect(scan.best).toEqual(scan.coupons[0]);
    expect(scan.displays.length).toBeGreaterThan(0);
    const storeQr = runInShell(curls[1]);
    expect(storeQr.storeId).toEqual(expect.any(String));
    expect(storeQr.coupons.length).toBeGreaterThan(0);

    const info = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as RuntimeInfo;
    expect(info.services.map((s) => s.name).sort()).toEqual(['coupon-catalog', 'ordering', 'scan-gateway', 'wallet']);
    const postmasterPid = Number(readFileSync(join(info.embedded.postgres!.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    expect(pidAlive(postmasterPid)).toBe(true);
    // Every service listens on 127.0.0.1 only (HOST unset): not reachable through the machine's other addresses.
    const external = externalAddress();
    for (const s of info.services) {
      expect(await accepts('127.0.0.1', s.port)).toBe(true);
      if (external) expect(await accepts(external, s.port)).toBe(false);
    }
    await stopAndCheckNothingLeft(current, info, postmasterPid);
    expect(existsSync(join(dataDir, 'stack.json'))).toBe(false);

    // Second start, same DATA_DIR, through `npm start`: the data is still there and the demo data set is not loaded
    // again; `kill -INT` of the npm process stops everything (the shell between npm and the launcher must not hold it).
    current = launch(dataDir, port, 'npm', kafka?.brokers);
    const banner2 = await waitForBanner(current);
    expect(banner2).toContain('demo data kept from an earlier start');
    expect(banner2).not.toContain('loading the demo data set');
    const again = runInShell(bannerCurls(banner2)[0]);
    expect(again.coupons.map((c: any) => c.couponId)).toEqual(scan.coupons.map((c: any) => c.couponId));
    const info2 = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as RuntimeInfo;
    const postmasterPid2 = Number(readFileSync(join(info2.embedded.postgres!.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await stopAndCheckNothingLeft(current, info2, postmasterPid2, 'SIGINT');

    // Third start through npm: SIGTERM to the npm process stops everything too.
    current = launch(dataDir, port, 'npm', kafka?.brokers);
    await waitForBanner(current);
    const info3 = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as RuntimeInfo;
    const postmasterPid3 = Number(readFileSync(join(info3.embedded.postgres!.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    await stopAndCheckNothingLeft(current, info3, postmasterPid3, 'SIGTERM');
  }, 900_000);
});
