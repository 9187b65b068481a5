import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientKafka, MessagePattern, Payload, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { logLevel } from 'kafkajs';
import { startBroker, type RunningBroker } from './index';
import { waitFor } from './test/helpers';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
jest.setTimeout(60000);

@Controller()
class SumController {
  @MessagePattern('math.sum')
  sum(@Payload() numbers: number[]): { total: number } {
    return { total: numbers.reduce((a, b) => a + b, 0) };
  }
}

@Module({ controllers: [SumController] })
class SumModule {}

const fast = { sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 300, maxWaitTimeInMs: 100 };

describe('dev-broker with the NestJS Kafka transport', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({ inMemory: true, logger: () => undefined });
  });
  afterAll(() => broker.close());

  it('round-trips a @MessagePattern request/reply through ServerKafka and ClientKafka', async () => {
    const server = await NestFactory.createMicroservice<MicroserviceOptions>(SumModule, {
      logger: false,
      transport: Transport.KAFKA,
      options: {
        client: { clientId: 'sum-service', brokers: [broker.brokers], logLevel: logLevel.NOTHING },
        consumer: { groupId: 'sum', ...fast },
        subscribe: { fromBeginning: true },
      },
    });
    await server.listen();

    const client = new ClientKafka({
      client: { clientId: 'sum-caller', brokers: [broker.brokers], logLevel: logLevel.NOTHING },
      consumer: { groupId: 'sum-caller', ...fast },
      subscribe: { fromBeginning: true },
    });
    client.subscribeToResponseOf('math.sum');
    await client.connect();
    await waitFor(() => client.getConsumerAssignments()['math.sum.reply'] !== undefined, 20000, 'reply topic assignment');
    try {
      expect(await firstValueFrom(client.send('math.sum', [1, 2, 3, 4]))).toEqual({ total: 10 });
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => firstValueFrom(client.send('math.sum', [i, 1]))));
      expect(many.map((r) => r.total)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await client.close();
      await server.close();
    }
  });
});
