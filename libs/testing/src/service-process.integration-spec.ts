import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { ServiceProcess, sleep } from './service-process';

/** A stand-in service: answers /health, and starts a long-lived child of its own (as a real service could). */
const FAKE_SERVICE = `
const http = require('node:http');
const { spawn } = require('node:child_process');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log(JSON.stringify({ grandchild: grandchild.pid }));
if (process.env.FAIL_AT_START) { console.error('config error: ' + process.env.FAIL_AT_START); process.exit(3); }
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.HTTP_PORT));
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

jest.setTimeout(30_000);

describe('ServiceProcess', () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-process-'));
    script = join(dir, 'fake-service.js');
    writeFileSync(script, FAKE_SERVICE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const make = async (env: Record<string, string> = {}) => {
    const port = await freePort();
    const log = join(dir, `svc-${port}.log`);
    const sut = new ServiceProcess({ service: 'wallet', label: 'wallet#0', script, env: { HTTP_PORT: String(port), ...env }, httpPort: port, output: { kind: 'file', path: log } });
    return { sut, log };
  };
  const grandchildOf = async (log: string): Promise<number> => {
    const { readFileSync } = await import('node:fs');
    let pid = 0;
    await eventually(() => {
      const m = /"grandchild":(\d+)/.exec(readFileSync(log, 'utf8'));
      pid = m ? Number(m[1]) : 0;
      return pid > 0;
    });
    return pid;
  };

  it('starts, becomes healthy, and on kill takes its whole process group with it', async () => {
    const { sut, log } = await make();
    sut.start();
    await sut.waitHealthy(10_000);
    const grandchild = await grandchildOf(log);
    expect(alive(grandchild)).toBe(true);
    await sut.kill('SIGTERM');
    expect(sut.running).toBe(false);
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });

  it('restarts on the same port', async () => {
    const { sut } = await make();
    sut.start();
    await sut.waitHealthy(10_000);
    const first = sut.pid;
    await sut.restart(10_000);
    expect(sut.pid).not.toBe(first);
    expect((await fetch(`${sut.url}/health`)).status).toBe(200);
    await sut.kill();
  });

  it('fails fast with the tail of its log when the process exits before it is healthy', async () => {
    const { sut, log } = await make({ FAIL_AT_START: 'DATABASE_URL is missing' });
    sut.start();
    await expect(sut.waitHealthy(10_000)).rejects.toThrow(/exited \(code 3\)[\s\S]*DATABASE_URL is missing/);
    // What it started before dying goes when it is stopped.
    const grandchild = await grandchildOf(log);
    await sut.kill();
    expect(await eventually(() => !alive(grandchild))).toBe(true);
  });

  it('stops the service when its parent dies without cleaning up (exit-with-parent preload)', async () => {
    // A parent that starts the service the way ServiceProcess does, prints the pids, then is SIGKILLed.
    const parentScript = join(dir, 'parent.js');
    writeFileSync(
      parentScript,
      `const { spawn } = require('node:child_process');
       const { pathToFileURL } = require('node:url');
       const c = spawn(process.execPath, ['--import', pathToFileURL(${JSON.stringify(join(__dirname, 'exit-with-parent.mjs'))}).href, ${JSON.stringify(script)}],
         { detached: true, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, HTTP_PORT: process.argv[2] } });
       c.stdout.once('data', (d) => console.log(JSON.stringify({ service: c.pid, ...JSON.parse(d) })));
       setInterval(() => {}, 1000);`,
    );
    const parent = spawn(process.execPath, [parentScript, String(await freePort())], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<{ service: number; grandchild: number }>((resolve) => parent.stdout!.once('data', (d) => resolve(JSON.parse(String(d)))));
    expect(alive(pids.service)).toBe(true);
    parent.kill('SIGKILL');
    expect(await eventually(() => !alive(pids.service) && !alive(pids.grandchild))).toBe(true);
  });
});
