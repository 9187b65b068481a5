import { Global, Module } from '@nestjs/common';
import { TailReader } from '@coupons/messaging';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';
import { CommandBus } from './command-bus';
import { gatewayEventReader } from './event-reader';
import { KAFKA } from './kafka';
import { MessagingStarter } from './messaging-starter';
import { OutcomeListener } from './outcome-listener';
import { QueryClient } from './query-client';
import { UserPositions } from './user-positions';
import { ScanReadModel } from '../scans/scan-read-model';

/**
 * The gateway's messaging on libs/messaging's MessagingModule (which gives the Kafka client): commands out, outcomes
 * in, queries, the scan read model. Global so health checks see it.
 */
@Global()
@Module({
  providers: [
    { provide: TailReader, inject: [KAFKA, GatewayEnv], useFactory: (kafka: Kafka, env: GatewayEnv) => gatewayEventReader(kafka, env) },
    OutcomeListener,
    CommandBus,
    QueryClient,
    MessagingStarter,
    UserPositions,
    ScanReadModel,
  ],
  exports: [OutcomeListener, CommandBus, QueryClient, UserPositions, ScanReadModel],
})
export class GatewayMessagingModule {}
