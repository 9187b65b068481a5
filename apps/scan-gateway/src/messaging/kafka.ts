import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';

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

export const KAFKA = Symbol('KAFKA');

/** One kafkajs client per gateway process (producer, outcome consumer and admin share its connections' config). */
export function createKafka(clientId: string, brokers: string[]): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator('kafkajs'),
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 5, maxRetryTime: 3000 },
  });
}
