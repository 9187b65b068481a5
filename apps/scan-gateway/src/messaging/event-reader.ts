import { Logger } from '@nestjs/common';
import { Topics } from '@coupons/contracts';
import { TailReader, TailStart } from '@coupons/messaging';
import { randomBytes } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { GatewayEnv } from '../config/gateway.env';

/**
 * The event topics the gateway reads, each once, with one consumer: catalog and wallet events from the beginning
 * (the scan read model folds them all), ordering events from the end (only outcomes and notifications need them).
 */
export const GATEWAY_READ_TOPICS: Record<string, TailStart> = {
  [Topics.catalogEvents]: 'beginning',
  [Topics.walletEvents]: 'beginning',
  [Topics.orderingEvents]: 'end',
};

/** The gateway's one tail reader, shared by the outcome listener and the scan read model. Its group is this process's. */
export function gatewayEventReader(kafka: Kafka, env: GatewayEnv): TailReader {
  const logger = new Logger('EventReader');
  return new TailReader({
    kafka,
    groupId: `scan-gateway-${env.INSTANCE_ID}-${randomBytes(4).toString('hex')}`,
    topics: GATEWAY_READ_TOPICS,
    maxBytesPerPartition: 4 * 1024 * 1024,
    log: { warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
}
