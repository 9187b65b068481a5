import { Controller, Get, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase } from '@coupons/testing';
import { Writable } from 'node:stream';
import { Column, DataSource, Entity, MigrationInterface, PrimaryColumn, QueryRunner } from 'typeorm';
import { createServiceApp } from './app';
import { assertSchemaInSync, postgresOptions, runMigrationsWithLock } from './database';
import { loggerModule } from './logging';
import { HealthCheck, ObservabilityModule, databaseCheck, kafkaCheck } from './observability';
import { RequestLogLevel } from './request-logging';

@Entity({ name: 'widget' })
class Widget {
  @PrimaryColumn('text') id!: string;
  @Column('integer') size!: number;
}

class CreateWidget1700000000000 implements MigrationInterface {
  name = 'CreateWidget1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE widget (id text PRIMARY KEY, size integer NOT NULL)`); // search_path = the service schema
    await q.query(`SELECT pg_sleep(0.2)`); // widens the window in which a second instance would race
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE widget`);
  }
}

function dataSource(url: string, schema: string, migrations = [CreateWidget1700000000000]): DataSource {
  return new DataSource(postgresOptions({ url, schema, entities: [Widget], migrations }));
}

describe('database helpers', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'servicekit');
  });

  it('two instances migrating together apply each migration once, and the result is in sync', async () => {
    const [a, b] = [dataSource(url, 'svc_a'), dataSource(url, 'svc_a')];
    await Promise.all([a.initialize(), b.initialize()]);
    try {
      const [ranA, ranB] = await Promise.all([runMigrationsWithLock(a), runMigrationsWithLock(b)]);
      expect([...ranA, ...ranB]).toEqual(['CreateWidget1700000000000']);
      await expect(assertSchemaInSync(a)).resolves.toBeUndefined();
      const rows = await a.query(`SELECT count(*)::int AS n FROM svc_a.migrations`);
      expect(rows[0].n).toBe(1);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });

  it('reports drift between entities and schema', async () => {
    const ds = dataSource(url, 'svc_b', []);
    await ds.initialize();
    try {
      await runMigrationsWithLock(ds);
      await expect(assertSchemaInSync(ds)).rejects.toThrow(/out of sync[\s\S]*widget/);
    } finally {
      await ds.destroy();
    }
  });
});

describe('createServiceApp with ObservabilityModule', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(...String(chunk).split('\n').filter(Boolean)); cb(); } });
  let healthy = true;
  const toggled: HealthCheck = { name: 'database', check: async () => { if (!healthy) throw new Error('connection refused'); } };
  let app: NestFastifyApplication;
  let base: string;

  @Controller()
  class WidgetsController {
    @Get('hot')
    @RequestLogLevel('debug')
    hot(): { ok: true } {
      return { ok: true };
    }

    @Get('broken')
    @RequestLogLevel('debug')
    broken(): never {
      throw new Error('boom');
    }
  }

  @Module({
    imports: [loggerModule('test-svc', { destination: sink, instanceId: 'i-1' }), ObservabilityModule.forRoot({ serviceName: 'test-svc', checks: [toggled] })],
    controllers: [WidgetsController],
  })
  class AppModule {}

  beforeAll(async () => {
    app = await createServiceApp(AppModule, { serviceName: 'test-svc', port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
  });
  afterAll(() => app.close());

  it('answers /health 200 when every check passes, 503 naming the failing one', async () => {
    const ok = await fetch(`${base}/health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    healthy = false;
    const bad = await fetch(`${base}/health`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toEqual({ status: 'error', checks: { database: 'connection refused' } });
    healthy = true;
  });

  it('serves Prometheus metrics including the request histogram', async () => {
    await fetch(`${base}/nothing-here`);
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toMatch(/http_request_duration_seconds_count\{.*route="\/health".*status="200".*\} \d+/);
  });

  it('logs JSON lines with service, instance and the incoming correlation id, echoed back', async () => {
    const res = await fetch(`${base}/nothing-here`, { headers: { 'x-correlation-id': 'corr-123' } });
    expect(res.headers.get('x-correlation-id')).toBe('corr-123');
    const health = await fetch(`${base}/health`, { headers: { 'x-correlation-id': 'corr-456' } });
    expect(health.headers.get('x-correlation-id')).toBe('corr-456');
    const fresh = await fetch(`${base}/nothing-here`);
    expect(fresh.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const entry = lines.map((l) => JSON.parse(l)).find((e) => e.correlationId === 'corr-123');
    expect(entry).toMatchObject({ service: 'test-svc', instance: 'i-1', correlationId: 'corr-123' });
  });

  it('writes one line per request at the route\'s level (info unless set), a 5xx at error, probes never', async () => {
    await fetch(`${base}/nothing-here`, { headers: { 'x-correlation-id': 'corr-info' } });
    await fetch(`${base}/hot`, { headers: { 'x-correlation-id': 'corr-debug' } });
    await fetch(`${base}/broken`, { headers: { 'x-correlation-id': 'corr-500' } });
    await fetch(`${base}/health`, { headers: { 'x-correlation-id': 'corr-probe' } });
    await new Promise((r) => setTimeout(r, 50));
    const entries = lines.map((l) => JSON.parse(l));
    const byId = (id: string) => entries.filter((e) => e.correlationId === id);
    expect(byId('corr-info')).toEqual([
      expect.objectContaining({ level: 30, req: { method: 'GET', url: '/nothing-here' }, res: { statusCode: 404 }, responseTime: expect.any(Number), msg: 'request completed' }),
    ]);
    expect(byId('corr-debug')).toEqual([]); // debug is below the default info level
    expect(byId('corr-500')).toEqual([expect.objectContaining({ level: 50, req: { method: 'GET', url: '/broken' }, res: { statusCode: 500 }, msg: 'request errored' })]);
    expect(byId('corr-probe')).toEqual([]);
  });
});

describe('ready-made checks', () => {
  it('kafkaCheck fails on an unreachable broker', async () => {
    const sut = kafkaCheck(['127.0.0.1:1'], { cacheMs: 0 });
    await expect(sut.check()).rejects.toThrow();
    await sut.close?.();
  });

  it('databaseCheck runs SELECT 1 on the given DataSource', async () => {
    const url = await createTestDatabase(process.env.TEST_DATABASE_URL!, 'servicekit');
    const ds = dataSource(url, 'public', []);
    const sut = databaseCheck(ds).useFactory();
    await expect(sut.check()).rejects.toThrow('not connected');
    await ds.initialize();
    await expect(sut.check()).resolves.toBeUndefined();
    await ds.destroy();
  });
});
