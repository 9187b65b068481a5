import { ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { Socket, connect } from 'node:net';
import { freePort } from './free-port';

/** Kafka's Produce API key: the int16 after a request's int32 size. */
const PRODUCE = 0;

/**
 * Faults of the network between a kafkajs client and a real broker, through the client's socketFactory: a Produce
 * request the broker writes but whose answer never arrives (the connection cut as the answer comes back, as when a
 * broker stops mid-request), and a broker that refuses connections meanwhile. Nothing of Kafka is imitated.
 */
export class ConnectionFaults {
  /** While true, every new connection is refused (ECONNREFUSED from a port nothing listens on). */
  down = false;
  private cutNextProduceAnswer = false;

  private constructor(private readonly refusingPort: number) {}

  static async create(): Promise<ConnectionFaults> {
    return new ConnectionFaults(await freePort());
  }

  /**
   * The next Produce request reaches the broker; when its answer arrives, the connection is cut instead and the
   * broker goes {@link down}, so kafkajs's retries fail too.
   */
  loseNextProduceAnswer(): void {
    this.cutNextProduceAnswer = true;
  }

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket: Socket = this.down ? connect({ host: '127.0.0.1', port: this.refusingPort }, onConnect) : connect({ host, port }, onConnect);
    let cutOnAnswer = false;
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (this.cutNextProduceAnswer && Buffer.isBuffer(chunk) && chunk.length >= 6 && chunk.readInt16BE(4) === PRODUCE) {
        this.cutNextProduceAnswer = false;
        cutOnAnswer = true;
      }
      return write(chunk, ...rest);
    }) as Socket['write'];
    const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'data' && cutOnAnswer) {
        cutOnAnswer = false;
        this.down = true;
        socket.destroy(new Error('connection cut before the Produce answer (test fault)'));
        return true;
      }
      return emit(event, ...args);
    }) as Socket['emit'];
    return socket;
  };
}

/** A client of `brokers` whose connections go through `faults`, giving up after a few quick retries while the broker
 * is "down", so that a send fails during the outage rather than waiting it out. */
export function faultyKafka(brokers: string, faults: ConnectionFaults, clientId: string): Kafka {
  return new Kafka({
    clientId, brokers: [brokers], logLevel: logLevel.NOTHING, socketFactory: faults.socketFactory,
    connectionTimeout: 1000, retry: { initialRetryTime: 50, maxRetryTime: 200, retries: 2 },
  });
}
