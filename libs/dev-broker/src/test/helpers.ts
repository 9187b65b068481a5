import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
