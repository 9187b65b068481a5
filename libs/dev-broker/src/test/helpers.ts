import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';

export function tmpDir(prefix = 'dev-broker-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function kafka(brokers: string, clientId = 'test'): Kafka {
  return new Kafka({ brokers: [brokers], clientId, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 50 } });
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 15000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** collects log lines so tests can assert on them (and keep the console quiet) */
export function captureLog(): { lines: string[]; logger: (line: string) => void } {
  const lines: string[] = [];
  return { lines, logger: (line) => lines.push(line) };
}

let compiledCli: string | undefined;

/** Compiles this library with swc (once per test file) and returns the path of cli.js. */
export function compileCli(): string {
  if (compiledCli) return compiledCli;
  const repo = path.resolve(__dirname, '../../../..');
  const out = tmpDir('dev-broker-cli-');
  execFileSync(path.join(repo, 'node_modules/.bin/swc'), ['libs/dev-broker/src', '-d', out, '--quiet'], { cwd: repo });
  const nested = path.join(out, 'libs/dev-broker/src/cli.js');
  compiledCli = fs.existsSync(nested) ? nested : path.join(out, 'cli.js');
  return compiledCli;
}

/** Runs the CLI on a free port; resolves once it printed its address. */
export async function runCli(args: string[]): Promise<{ child: ChildProcess; brokers: string; stdout: () => string }> {
  const child = spawn(process.execPath, [compileCli(), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', () => undefined);
  await waitFor(() => /listening on 127\.0\.0\.1:\d+\n/.test(stdout), 15000, 'CLI to listen');
  return { child, brokers: stdout.trim().slice('listening on '.length), stdout: () => stdout };
}
