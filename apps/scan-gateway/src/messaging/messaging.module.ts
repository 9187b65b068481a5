import { Global, Module } from '@nestjs/common';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { KAFKA, createKafka } from './kafka';
import { MessagingStarter } from './messaging-starter';
import { OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';
import { UserPositions } from './user-positions';
import { ScanReadModel } from '../scans/scan-read-model';

/** Kafka plumbing shared by every feature: commands out, outcomes in, queries. Global so health checks see it. */
@Global()
@Module({
  providers: [
    { provide: KAFKA, inject: [GatewayEnv], useFactory: (env: GatewayEnv) => createKafka(`scan-gateway-${env.INSTANCE_ID}`, env.KAFKA_BROKERS) },
    OutcomeListener,
    CommandBus,
    QueryClient,
    MessagingStarter,
    UserPositions,
    ScanReadModel,
  ],
  exports: [KAFKA, OutcomeListener, CommandBus, QueryClient, UserPositions, ScanReadModel],
})
export class MessagingModule {}
