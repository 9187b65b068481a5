// Smoke test of `npm run bench -- --quick`: the benchmark starts the system, runs every scenario and writes its report.
// Figures are not checked against targets (a benchmark never fails a build on a time); that every figure is either
// measured or says why not, and that the scan path answers under load, is.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testPostgres, workspaceRoot } from '@coupons/testing';

interface Figure {
  id: string;
  value?: number;
  na?: string;
}

describe('npm run bench -- --quick', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('completes and writes its report', async () => {
    const pg = await testPostgres();
    // The run's PostgreSQL (per-run schemas in a fresh database) instead of a second embedded server.
    const databaseUrl = await createTestDatabase(pg.url, 'bench');
    const root = workspaceRoot(__dirname);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const p = spawn(process.execPath, [join(root, 'dist', 'tools', 'bench', 'run.js'), '--quick', '--seconds', '1', '--out', out], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: databaseUrl, FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      p.stdout.on('data', (d) => (output += d.toString()));
      p.stderr.on('data', (d) => (output = (output + d.toString()).slice(-20_000)));
      p.once('exit', (c) => resolve({ code: c, output }));
    });
    expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(output).toContain('report written to');

    const files = readdirSync(out).filter((f) => f.endsWith('-quick.json'));
    expect(files).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(out, files[0]), 'utf8')) as { quick: boolean; figures: Figure[] };
    expect(report.quick).toBe(true);
    const ids = report.figures.map((f) => f.id);
    for (const id of ['scans', 'scans-half-rate', 'claims', 'orders', 'durable-round-trip', 'claim-notification', 'broker-batched', 'replay', 'rss-scan-gateway']) {
      expect(ids).toContain(id);
    }
    for (const f of report.figures) {
      // Each figure is measured, or names why it is not.
      expect(f.na !== undefined || typeof f.value === 'number').toBe(true);
    }
    // A measured claims (or orders) phase comes with its cost lines: CPU per process and SQL per claim.
    for (const unit of ['claim', 'order']) {
      if (report.figures.find((f) => f.id === `${unit}s`)?.value === undefined) continue;
      expect(ids).toEqual(expect.arrayContaining([`cost-${unit}-cpu-total`, `cost-${unit}-cpu-scan-gateway`, `cost-${unit}-cpu-load-generator`, `cost-${unit}-sql`]));
    }
    const scans = report.figures.find((f) => f.id === 'scans')!;
    expect(scans.na).toBeUndefined();
    expect(scans.value).toBeGreaterThan(0);
  }, 300_000);
});
