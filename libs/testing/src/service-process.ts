import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/** Preloaded into each service: stops it when its parent dies (see the file). Copied next to the compiled code. */
const EXIT_WITH_PARENT = join(__dirname, 'exit-with-parent.mjs');

/** The four services, in the order they are usually started (the gateway last: it fronts the others). */
export const SERVICE_NAMES = ['coupon-catalog', 'wallet', 'ordering', 'scan-gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services that keep projections in PostgreSQL, with the schema each uses by default. */
export const DATABASE_SCHEMAS: Partial<Record<ServiceName, string>> = {
  'coupon-catalog': 'coupon_catalog',
  wallet: 'wallet',
  ordering: 'ordering',
};

/** Where a child's output goes: appended to a file (tests), or handed over line by line (the dev launcher). */
export type ProcessOutput =
  | { kind: 'file'; path: string }
  | { kind: 'lines'; onLine: (line: string, stream: 'stdout' | 'stderr') => void };

export interface ServiceProcessOptions {
  /** Which service, e.g. `wallet`. */
  service: ServiceName;
  /** A name for logs and errors, e.g. `wallet#1`. */
  label: string;
  /** The compiled entry point to run with node. */
  script: string;
  env: Record<string, string>;
  /** The port its GET /health answers on. */
  httpPort: number;
  output: ProcessOutput;
  /**
   * Run it as a container runs it: `env` and nothing else (no variable inherited from this process) and no launcher
   * preload (exit-with-parent.mjs). Stopping still works; only the stop on the launcher's own death is lost.
   */
  isolated?: boolean;
}

/**
 * One service running as a child process in its own process group, so that stopping it also stops anything it
 * spawned, and so that a Ctrl-C in the terminal reaches only the launcher, which then stops children in order.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(readonly options: ServiceProcessOptions) {}

  get service(): ServiceName { return this.options.service; }
  get label(): string { return this.options.label; }
  get port(): number { return this.options.httpPort; }
  get url(): string { return `http://127.0.0.1:${this.options.httpPort}`; }
  get pid(): number | undefined { return this.child?.pid; }
  /** True while the process has been started and has not exited. */
  get running(): boolean { return !!this.child && this.child.exitCode === null && this.child.signalCode === null; }
  /** How the last run ended, when it has. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined { return this.lastExit; }

  /** Resolves when the current run of the process has ended (at once when it is not running). */
  waitExit(): Promise<void> {
    return this.exited;
  }

  /** Spawns the process; does not wait for it to be healthy (see {@link waitHealthy}). */
  start(): void {
    if (this.running) throw new Error(`${this.label} is already running`);
    const { output } = this.options;
    let fd: number | undefined;
    if (output.kind === 'file') {
      mkdirSync(dirname(output.path), { recursive: true });
      fd = openSync(output.path, 'a');
    }
    const { isolated } = this.options;
    const args = isolated ? [this.options.script] : ['--import', pathToFileURL(EXIT_WITH_PARENT).href, this.options.script];
    const child = spawn(process.execPath, args, {
      env: isolated ? { ...this.options.env } : { ...process.env, ...this.options.env },
      // Own process group: killed as a group, and out of reach of the terminal's Ctrl-C.
      detached: true,
      // stdin is a pipe that only ends when this process dies: exit-with-parent.mjs stops the service then.
      stdio: fd === undefined ? ['pipe', 'pipe', 'pipe'] : ['pipe', fd, fd],
    });
    child.stdin!.on('error', () => undefined);
    if (fd !== undefined) closeSync(fd);
    if (output.kind === 'lines') {
      createInterface({ input: child.stdout! }).on('line', (l) => output.onLine(l, 'stdout'));
      createInterface({ input: child.stderr! }).on('line', (l) => output.onLine(l, 'stderr'));
    }
    this.lastExit = undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.lastExit = { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        this.lastExit = { code: -1, signal: null };
        if (output.kind === 'lines') output.onLine(`failed to spawn: ${err.message}`, 'stderr');
        resolve();
      });
    });
    this.child = child;
  }

  /**
   * Sends a signal to the whole process group and resolves once the process has exited (SIGKILL'd after
   * `graceMs` when it does not stop by itself).
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (!this.running) {
      // The leader is gone, but what it started may still be running in its group.
      signalGroup(child, 'SIGKILL');
      return;
    }
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
    // Whatever the service left behind in its group goes too.
    signalGroup(child, 'SIGKILL');
  }

  /** Stops (SIGTERM) and starts again with the same port and environment, then waits for /health. */
  async restart(timeoutMs = 60_000): Promise<void> {
    await this.kill('SIGTERM');
    this.start();
    await this.waitHealthy(timeoutMs);
  }

  /** Resolves when GET /health answers 200; rejects when the process exits first or the time is up. */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.label} exited (${describeExit(this.lastExit)}) before it was healthy${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
        last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(250);
    }
    throw new Error(`${this.label} was not healthy after ${timeoutMs} ms (last: ${last})${this.tail()}`);
  }

  /** The last lines of the log file, for error messages. */
  tail(lines = 40): string {
    const { output } = this.options;
    if (output.kind !== 'file' || !existsSync(output.path)) return '';
    const text = readFileSync(output.path, 'utf8').split('\n').slice(-lines).join('\n');
    return `\n--- last ${lines} lines of ${output.path} ---\n${text}`;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is gone already.
  }
}

function describeExit(e: { code: number | null; signal: NodeJS.Signals | null } | undefined): string {
  if (!e) return 'unknown';
  return e.signal ? `signal ${e.signal}` : `code ${e.code}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The repository root: the nearest folder above `from` holding nx.json (works from the sources and from dist/). */
export function workspaceRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no nx.json above ${from}`);
    dir = up;
  }
}

/** The compiled entry point of a service (`npm run build` puts it there). */
export function serviceScript(service: ServiceName, root = workspaceRoot()): string {
  return join(root, 'dist', 'apps', service, 'src', 'main.js');
}

/**
 * The environment a service reads (docs/architecture.md): every service takes KAFKA_BROKERS, HTTP_PORT,
 * LOG_LEVEL and INSTANCE_ID; the database services DATABASE_URL and DATABASE_SCHEMA; the gateway GATEWAY_PORT,
 * JWT_SECRET and AUTH_DEV_TOKENS.
 */
export function serviceEnv(
  service: ServiceName,
  o: {
    brokers: string; databaseUrl: string; httpPort: number; jwtSecret: string; authDevTokens: boolean; logLevel: string; instanceId: string; schema?: string;
    /** Where the service listens; default 127.0.0.1 (a machine's own stack is not for the network). */
    host?: string;
  },
): Record<string, string> {
  const env: Record<string, string> = {
    KAFKA_BROKERS: o.brokers,
    HTTP_PORT: String(o.httpPort),
    HOST: o.host ?? '127.0.0.1',
    LOG_LEVEL: o.logLevel,
    INSTANCE_ID: o.instanceId,
  };
  if (service === 'scan-gateway') {
    env.GATEWAY_PORT = String(o.httpPort);
    env.JWT_SECRET = o.jwtSecret;
    env.AUTH_DEV_TOKENS = String(o.authDevTokens);
  } else {
    env.DATABASE_URL = o.databaseUrl;
    env.DATABASE_SCHEMA = o.schema ?? DATABASE_SCHEMAS[service]!;
  }
  return env;
}
