import { DynamicModule, Module } from '@nestjs/common';
import { HealthCheck, ObservabilityModule, kafkaCheck, loggerModule } from '@coupons/service-kit';
import type { DestinationStream } from 'pino';
import { AdminModule } from './admin/admin.module';
import { AbuseModule } from './abuse/abuse.module';
import { AuthModule } from './auth/auth.module';
import { GatewayConfigModule } from './config/config.module';
import { GatewayEnv } from './config/gateway.env';
import { MessagingModule } from '@coupons/messaging';
import { GATEWAY_KAFKA } from './messaging/kafka';
import { GatewayMessagingModule } from './messaging/messaging.module';
import { OutcomeListener } from './messaging/outcome-listener';
import { QueryClient } from './messaging/query-client';
import { ClaimsModule } from './claims/claims.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OrdersModule } from './orders/orders.module';
import { ScansModule } from './scans/scans.module';
import { ScanReadModel } from './scans/scan-read-model';
import { WalletModule } from './wallet/wallet.module';

export const SERVICE_NAME = 'scan-gateway';

export interface GatewayModuleOptions {
  /** Where JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
}

/**
 * Health: Kafka reachable, outcome listener joined with its partitions, scan read model folded up to the ends it found at
 * start-up, query client able to receive replies.
 */
function readinessChecks(env: GatewayEnv): ObservabilityModuleChecks {
  return [
    kafkaCheck(env.KAFKA_BROKERS, { clientId: `scan-gateway-${env.INSTANCE_ID}-health` }),
    {
      name: 'outcome-listener',
      inject: [OutcomeListener],
      useFactory: (listener: OutcomeListener): HealthCheck => ({
        name: 'outcome-listener',
        check: async () => {
          if (!listener.isReady()) throw new Error(listener.status());
        },
      }),
    },
    {
      name: 'scan-read-model',
      inject: [ScanReadModel],
      useFactory: (model: ScanReadModel): HealthCheck => ({
        name: 'scan-read-model',
        check: async () => {
          if (!model.isReady()) throw new Error(model.status());
        },
      }),
    },
    {
      name: 'query-client',
      inject: [QueryClient],
      useFactory: (queries: QueryClient): HealthCheck => ({
        name: 'query-client',
        check: async () => {
          if (!queries.isReady()) throw new Error(queries.status());
        },
      }),
    },
  ];
}
type ObservabilityModuleChecks = Parameters<typeof ObservabilityModule.forRoot>[0]['checks'];

@Module({})
export class GatewayModule {
  static forRoot(env: GatewayEnv, opts: GatewayModuleOptions = {}): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        GatewayConfigModule.forRoot(env),
        loggerModule(SERVICE_NAME, { level: env.LOG_LEVEL, instanceId: env.INSTANCE_ID, destination: opts.logDestination }),
        ObservabilityModule.forRoot({ serviceName: SERVICE_NAME, checks: readinessChecks(env) }),
        AbuseModule,
        // The Kafka client only: the gateway has no database, so no outbox relay.
        MessagingModule.forRoot({ serviceName: SERVICE_NAME, brokers: env.KAFKA_BROKERS, instanceId: env.INSTANCE_ID, kafka: GATEWAY_KAFKA }),
        GatewayMessagingModule,
        AuthModule,
        AdminModule,
        ScansModule,
        ClaimsModule,
        WalletModule,
        OrdersModule,
        NotificationsModule,
      ],
    };
  }
}
