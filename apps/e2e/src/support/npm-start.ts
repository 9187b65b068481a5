// `npm start` as a process for the end-to-end specs: launched on a DATA_DIR with the embedded defaults, its output kept,
// and the banner it prints once everything answers.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export interface LaunchOptions {
  /** The checkout whose dist/ runs (default: this one, `root`). */
  workspace: string;
  /**
   * `node` runs the launcher itself; `npm` runs `npm start` as a developer types it (build, then the launcher with a
   * shell in between), so a signal sent to the npm process must still reach the launcher.
   */
  via?: 'node' | 'npm';
  /** `KAFKA_BROKERS=<npm run kafka> npm start`; without it, the embedded broker. */
  kafkaBrokers?: string;
}

export function launchNpmStart(dataDir: string, gatewayPort: number, o: LaunchOptions): Launch {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: String(gatewayPort), NO_COLOR: '1' };
  // The embedded defaults are what is under test.
  for (const v of ['KAFKA_BROKERS', 'DATABASE_URL', 'JWT_SECRET', 'JWT_JWKS_URL', 'AUTH_DEV_TOKENS', 'FORCE_COLOR']) delete env[v];
  if (o.kafkaBrokers) env.KAFKA_BROKERS = o.kafkaBrokers;
  const child = (o.via ?? 'node') === 'node'
    ? spawn(process.execPath, [join(o.workspace, 'dist', 'libs', 'dev-stack', 'src', 'cli', 'start.js')], { cwd: o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('npm', ['start', '--silent'], { cwd: o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The output up to the banner's last line; throws with the output's tail if the launcher exits or times out first. */
export async function waitForBanner(l: Launch, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (l.output().includes('Press Ctrl-C to stop everything')) return l.output();
    if (l.child.exitCode !== null) throw new Error(`npm start exited with ${l.child.exitCode}:\n${l.output().slice(-5000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no banner after ${timeoutMs} ms:\n${l.output().slice(-5000)}`);
}
