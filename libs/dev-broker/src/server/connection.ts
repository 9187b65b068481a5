import type { Socket } from 'node:net';
import { Writer } from '../protocol/writer';

/** Frames above this size are refused (the connection is closed): clients never send them. */
export const MAX_FRAME_BYTES = 100 * 1024 * 1024;
/** request header v1 minimum: api key, version, correlation id, client id length */
const MIN_FRAME_BYTES = 10;
const MAX_QUEUED_FRAMES = 1000;

export type Reply = Writer | null;
export type FrameHandler = (frame: Buffer, conn: Connection) => Reply | Promise<Reply>;

/**
 * One client socket: splits the byte stream into size-prefixed frames and handles them strictly in
 * order (like Kafka, a request that waits — a long-poll Fetch, a JoinGroup — holds back the
 * following ones on the same connection, so responses keep request order).
 */
export class Connection {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private need = 4;
  private readonly frames: Buffer[] = [];
  private busy = false;
  private awaitingDrain = false;
  closed = false;
  /** cleanup hooks for requests parked on this connection */
  readonly parked = new Set<() => void>();

  constructor(
    readonly socket: Socket,
    readonly id: number,
    private readonly handle: FrameHandler,
    private readonly log: (line: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.pendingLen > 0) {
      this.pending.push(chunk);
      this.pendingLen += chunk.length;
      if (this.pendingLen < this.need) return;
      chunk = Buffer.concat(this.pending, this.pendingLen);
      this.pending = [];
      this.pendingLen = 0;
    }
    let pos = 0;
    while (chunk.length - pos >= 4) {
      const size = chunk.readInt32BE(pos);
      if (size < MIN_FRAME_BYTES || size > MAX_FRAME_BYTES) {
        this.fail(`invalid frame size ${size} (allowed ${MIN_FRAME_BYTES}..${MAX_FRAME_BYTES})`);
        return;
      }
      if (chunk.length - pos - 4 < size) break;
      this.frames.push(chunk.subarray(pos + 4, pos + 4 + size));
      pos += 4 + size;
    }
    // a client that pipelines far ahead of a parked request (or never reads its responses) is slowed down
    if (this.frames.length > MAX_QUEUED_FRAMES && !this.socket.isPaused()) this.socket.pause();
    if (pos < chunk.length) {
      const rest = chunk.subarray(pos);
      this.pending = [rest];
      this.pendingLen = rest.length;
      this.need = rest.length >= 4 ? 4 + rest.readInt32BE(0) : 4;
    }
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.closed) return;
    const socket = this.socket;
    socket.cork();
    try {
      while (this.frames.length > 0 && !this.closed) {
        const frame = this.frames.shift()!;
        let result: Reply | Promise<Reply>;
        try {
          result = this.handle(frame, this);
        } catch (e) {
          this.fail(`bad request: ${(e as Error).message}`);
          return;
        }
        if (result instanceof Promise) {
          this.busy = true;
          result.then(
            (reply) => {
              this.busy = false;
              if (this.closed) return;
              socket.cork();
              this.send(reply);
              process.nextTick(() => socket.uncork());
              this.pump();
            },
            (e: Error) => {
              this.busy = false;
              this.fail(`request failed: ${e.message}`);
            },
          );
          return;
        }
        this.send(result);
      }
    } finally {
      socket.uncork();
      if (socket.isPaused() && this.frames.length <= MAX_QUEUED_FRAMES / 2 && !this.awaitingDrain && !this.closed) socket.resume();
    }
  }

  private send(reply: Reply): void {
    if (!reply || this.closed) return;
    const chunks = reply.finish();
    let total = 0;
    for (const c of chunks) total += c.length;
    chunks[0].writeInt32BE(total - 4, 0);
    for (const c of chunks) this.socket.write(c);
    if (this.socket.writableNeedDrain && !this.awaitingDrain) {
      // the client is not reading: stop reading its requests until it catches up
      this.awaitingDrain = true;
      this.socket.pause();
      this.socket.once('drain', () => {
        this.awaitingDrain = false;
        this.pump();
      });
    }
  }

  fail(reason: string): void {
    if (this.closed) return;
    this.log(`closing connection ${this.id} from ${this.remote}: ${reason}`);
    this.socket.destroy();
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.frames.length = 0;
    this.pending = [];
    for (const f of this.parked) f();
    this.parked.clear();
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
