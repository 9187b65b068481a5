import { Logger } from '@nestjs/common';
import { KafkaConfig, logLevel, LogEntry } from 'kafkajs';

// The client itself and its injection token are libs/messaging's (createKafka, KAFKA); re-exported for the
// gateway's providers.
export { KAFKA } from '@coupons/messaging';

/** Routes kafkajs's own log lines (warnings and errors only) into the service's logger. */
export function kafkaLogCreator(context: string) {
  const logger = new Logger(context);
  return () => ({ level, log }: LogEntry) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    if (level <= logLevel.ERROR) logger.error(line);
    else if (level === logLevel.WARN) logger.warn(line);
  };
}

/**
 * The gateway's kafkajs settings over createKafka's: an HTTP request waits on these, so connections and retries give
 * up sooner than a service's consumers do, and kafkajs's warnings reach the log.
 */
export const GATEWAY_KAFKA: Partial<KafkaConfig> = {
  logLevel: logLevel.WARN,
  logCreator: kafkaLogCreator('kafkajs'),
  connectionTimeout: 3000,
  requestTimeout: 10_000,
  retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 3000 },
};
