import {
  Controller, DynamicModule, Get, Inject, Injectable, InjectionToken, Module, OnModuleDestroy, Res, ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HttpServerEnv, addressAllowed } from './http-server';

/** A named readiness check: resolves when the dependency is reachable, rejects (with the reason) when not. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  close?(): Promise<void>;
}

/** A check built by Nest, for checks that need injected providers (e.g. the DataSource). */
export interface HealthCheckProvider {
  name: string;
  inject?: InjectionToken[];
  useFactory: (...deps: any[]) => HealthCheck;
}

export interface ObservabilityOptions {
  serviceName: string;
  checks: Array<HealthCheck | HealthCheckProvider>;
  /** Per check, before it counts as failed. Default 2000 ms. */
  checkTimeoutMs?: number;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');
export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms))),
  ]);
}

/**
 * The service's Prometheus registry: default process metrics, an HTTP request duration histogram (fed by
 * createServiceApp), and get-or-create helpers so code anywhere can register its counters once.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(OBSERVABILITY_OPTIONS) opts: ObservabilityOptions) {
    this.registry.setDefaultLabels({ service: opts.serviceName });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = this.histogram('http_request_duration_seconds', 'HTTP request duration in seconds', ['method', 'route', 'status'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** Returns the counter of that name, creating it on first use (safe to call from several places). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[] = [], buckets?: number[]): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** `messages_consumed_total{topic,outcome}`: what consumers did with each message. */
  messagesConsumed(): Counter<'topic' | 'outcome'> {
    return this.counter('messages_consumed_total', 'Kafka messages consumed, by topic and outcome', ['topic', 'outcome']);
  }
}

export type HealthReport = { status: 'ok' | 'error'; checks: Record<string, string> };

@Injectable()
export class HealthService implements OnModuleDestroy {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[],
    @Inject(OBSERVABILITY_OPTIONS) private readonly opts: ObservabilityOptions,
  ) {}

  /** Runs every check in parallel; each is "ok" or the error message. */
  async report(): Promise<HealthReport> {
    const timeout = this.opts.checkTimeoutMs ?? 2000;
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), timeout, c.name);
          return [c.name, 'ok'] as const;
        } catch (err) {
          return [c.name, (err as Error)?.message || String(err)] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    return { status: results.every(([, r]) => r === 'ok') ? 'ok' : 'error', checks };
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled(this.checks.map((c) => c.close?.()));
  }
}

@Controller()
export class ObservabilityController {
  constructor(private readonly health: HealthService, private readonly metrics: MetricsService) {}

  /** 200 `{status:"ok", checks:{...:"ok"}}` when every dependency is reachable, else 503 naming the failing ones. */
  @Get('health')
  async getHealth(): Promise<HealthReport> {
    const report = await this.health.report();
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }

  @Get('metrics')
  async getMetrics(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

/**
 * `GET /health` and `GET /metrics` for a service. Checks are either ready objects or providers built with injected
 * dependencies (`databaseCheck()` injects the TypeORM DataSource).
 */
@Module({})
export class ObservabilityModule {
  static forRoot(opts: ObservabilityOptions): DynamicModule {
    const providers = opts.checks.map((c, i) => {
      const token = `HEALTH_CHECK_${i}_${c.name}`;
      return 'useFactory' in c
        ? { provide: token, inject: c.inject ?? [], useFactory: c.useFactory }
        : { provide: token, useValue: c };
    });
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [ObservabilityController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, useValue: opts },
        ...providers,
        { provide: HEALTH_CHECKS, inject: providers.map((p) => p.provide), useFactory: (...checks: HealthCheck[]) => checks },
        MetricsService,
        HealthService,
      ],
      exports: [MetricsService, HealthService],
    };
  }
}

/** `SELECT 1` on the service's DataSource: the given one, or the one Nest injects (TypeOrmModule's default). */
export function databaseCheck(dataSource?: DataSource): HealthCheckProvider {
  const make = (ds: DataSource): HealthCheck => ({
    name: 'database',
    check: async () => {
      if (!ds.isInitialized) throw new Error('not connected');
      await ds.query('SELECT 1');
    },
  });
  return dataSource ? { name: 'database', useFactory: () => make(dataSource) } : { name: 'database', inject: [DataSource], useFactory: make };
}

/**
 * Kafka reachability: an admin client connects and describes the cluster. The result is cached for `cacheMs`
 * (default 5 s) so frequent probes don't hammer the brokers; a failure drops the client so the next probe reconnects.
 */
export function kafkaCheck(brokers: string[], opts: { cacheMs?: number; clientId?: string } = {}): HealthCheck {
  const cacheMs = opts.cacheMs ?? 5000;
  let admin: ReturnType<Kafka['admin']> | null = null;
  let last: { at: number; error: Error | null } | null = null;
  let inFlight: Promise<void> | null = null;

  const probe = async () => {
    try {
      if (!admin) {
        const kafka = new Kafka({ clientId: opts.clientId ?? 'health', brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1500, requestTimeout: 1500 });
        admin = kafka.admin();
        await admin.connect();
      }
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length === 0) throw new Error('no brokers in cluster');
      last = { at: Date.now(), error: null };
    } catch (err) {
      const a = admin;
      admin = null;
      await a?.disconnect().catch(() => undefined);
      last = { at: Date.now(), error: err as Error };
    }
  };

  return {
    name: 'kafka',
    check: async () => {
      if (!last || Date.now() - last.at > cacheMs) {
        inFlight ??= probe().finally(() => (inFlight = null));
        await inFlight;
      }
      if (last?.error) throw last.error;
    },
    close: async () => {
      const a = admin;
      admin = null;
      await a?.disconnect().catch(() => undefined);
    },
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guards `GET /metrics` (process and business figures are for the operator): only from METRICS_ALLOW's addresses,
 * and with `Authorization: Bearer <METRICS_TOKEN>` when that is set. 403 / 401 in the contract's error format.
 */
export function metricsAccessHook(env: Pick<HttpServerEnv, 'METRICS_ALLOW' | 'METRICS_TOKEN'>): onRequestHookHandler {
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) =>
    void reply.code(status).header('content-type', 'application/json; charset=utf-8').send({ error: { code, message, details: [] } });
  return (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!/^\/metrics(\?|$)/.test(request.url)) return done();
    if (env.METRICS_ALLOW && !addressAllowed(request.socket.remoteAddress, env.METRICS_ALLOW)) {
      return refuse(reply, 403, 'FORBIDDEN', 'metrics are not served to this address');
    }
    if (env.METRICS_TOKEN) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!m || !sameSecret(m[1], env.METRICS_TOKEN)) return refuse(reply, 401, 'UNAUTHORIZED', 'metrics need the metrics token');
    }
    done();
  };
}
