import { SERVICE_NAMES, ServiceName, ServiceProcess, serviceEnv, serviceScript, workspaceRoot } from '@coupons/testing';
import { Color, colors } from './colors';
import { StackConfig } from './env';
import { formatLogLine, isStartupNoise } from './log-format';
import { preferredOrFreePort } from './ports';

/** Default HTTP ports under `npm start` (docs/architecture.md); the gateway's comes from GATEWAY_PORT. */
export const DEFAULT_PORTS: Record<Exclude<ServiceName, 'scan-gateway'>, number> = {
  'coupon-catalog': 3101,
  wallet: 3102,
  ordering: 3103,
};

const SOURCE_COLORS: Record<string, Color> = {
  'scan-gateway': 'green',
  'coupon-catalog': 'cyan',
  wallet: 'magenta',
  ordering: 'yellow',
  broker: 'blue',
  postgres: 'gray',
  stack: 'bold',
};
const WIDTH = Math.max(...Object.keys(SOURCE_COLORS).map((s) => s.length)) + 2;

/** Prints a line as `[source] ...`, the prefix coloured per source and padded so columns line up. */
export function printLine(source: string, line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
  const prefix = colors[SOURCE_COLORS[source] ?? 'bold'](`[${source}]`.padEnd(WIDTH));
  (stream === 'stderr' ? process.stderr : process.stdout).write(`${prefix} ${line}\n`);
}

/** Creates (does not start) the four service processes, their output pretty-printed with a prefix. */
export async function createServiceProcesses(
  config: StackConfig,
  infra: { brokers: string; databaseUrl: string },
  jwtSecret: string,
): Promise<ServiceProcess[]> {
  const root = workspaceRoot(__dirname);
  const verbose = ['debug', 'trace'].includes(config.logLevel);
  const out: ServiceProcess[] = [];
  for (const service of SERVICE_NAMES) {
    const httpPort = service === 'scan-gateway' ? config.gatewayPort : await preferredOrFreePort(DEFAULT_PORTS[service]);
    const env = serviceEnv(service, {
      brokers: infra.brokers,
      databaseUrl: infra.databaseUrl,
      httpPort,
      jwtSecret,
      authDevTokens: config.authDevTokens,
      logLevel: config.logLevel,
      instanceId: `${service}-dev`,
      host: config.host,
    });
    if (service === 'scan-gateway' && config.authDevTokensOnPublicHost) env.AUTH_DEV_TOKENS_ON_PUBLIC_HOST = 'true';
    if (service === 'scan-gateway' && config.jwtJwksUrl) env.JWT_JWKS_URL = config.jwtJwksUrl;
    out.push(
      new ServiceProcess({
        service,
        label: service,
        script: serviceScript(service, root),
        env,
        httpPort,
        output: {
          kind: 'lines',
          onLine: (line, stream) => {
            if (!verbose && isStartupNoise(line)) return;
            printLine(service, formatLogLine(line), stream);
          },
        },
      }),
    );
  }
  return out;
}
