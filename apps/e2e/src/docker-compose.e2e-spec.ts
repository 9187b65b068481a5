// docker-compose.yml must parse, and must keep the production shape DESIGN §3 describes. Needs the docker-compose
// binary (CI installs it); skipped without it. Runs no container.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@coupons/testing';

const root = workspaceRoot(__dirname);
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const itWithCompose = hasCompose ? it : it.skip;

describe('docker-compose.yml', () => {
  const compose = (...args: string[]) => execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...args], { cwd: root, encoding: 'utf8' });

  itWithCompose('parses (docker-compose config -q)', () => {
    expect(() => compose('config', '-q')).not.toThrow();
  });

  itWithCompose('runs Apache Kafka, PostgreSQL 17 and the four services, each service waiting for healthy dependencies', () => {
    const config = compose('config');
    expect(compose('config', '--services').trim().split('\n').sort()).toEqual(['coupon-catalog', 'kafka', 'ordering', 'postgres', 'scan-gateway', 'wallet']);
    expect(config).toMatch(/image: apache\/kafka:/);
    expect(config).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(config).toMatch(/image: postgres:17/);
    for (const svc of ['coupon-catalog', 'wallet', 'ordering', 'scan-gateway']) {
      expect(config).toContain(`dockerfile: apps/${svc}/Dockerfile`);
    }
    expect(config.match(/KAFKA_BROKERS: kafka:9092/g)).toHaveLength(4);
    expect(config).toMatch(/AUTH_DEV_TOKENS: 'false'|AUTH_DEV_TOKENS: "false"/);
    expect(config).not.toMatch(/condition: service_started/);
    expect((config.match(/condition: service_healthy/g) ?? []).length).toBeGreaterThanOrEqual(10);
    expect((config.match(/healthcheck:/g) ?? []).length).toBe(2);
  });
});

describe('service Dockerfiles', () => {
  it.each(['coupon-catalog', 'wallet', 'ordering', 'scan-gateway'])('%s builds in stages and runs as the non-root node user with a health check', (svc) => {
    const text = readFileSync(join(root, 'apps', svc, 'Dockerfile'), 'utf8');
    expect(text).toMatch(/^FROM node:20-slim AS build$/m);
    expect(text).toMatch(/RUN npm ci\b/);
    expect(text).toMatch(/RUN npm run build/);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n.*\/health/m);
    expect(text).toContain(`CMD ["node", "dist/apps/${svc}/src/main.js"]`);
    // Dev-only infrastructure never ships in a service image.
    expect(text).not.toMatch(/dist\/libs\/(dev-broker|dev-stack|testing)/);
  });
});
