import { Queries, Topics } from '@coupons/contracts';
import { startService } from '@coupons/messaging';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, ServiceTuning } from './app.module';
import { SERVICE_NAME, WalletEnv } from './env';

export const WALLET_QUERY_PATTERNS = [Queries.getWallet, Queries.commandOutcome.wallet];

/** Starts the wallet (see messaging startService): HTTP_PORT for /health and /metrics, Kafka for the rest. */
export function startWallet(env: WalletEnv, opts: ServiceTuning & { host?: string } = {}): Promise<NestFastifyApplication> {
  return startService({
    serviceName: SERVICE_NAME,
    env,
    module: AppModule.forRoot(env, opts),
    queryPatterns: WALLET_QUERY_PATTERNS,
    topics: [Topics.walletCommands, Topics.walletEvents, Topics.catalogEvents, Topics.orderingEvents],
    host: opts.host,
  });
}
