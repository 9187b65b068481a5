import { BeforeApplicationShutdown, Controller, Get, Headers, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AllowQueryToken, CurrentUser, JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AuthUser } from '../auth/roles';
import { GatewayEnv, STREAM_HEARTBEAT_MS } from '../config/gateway.env';
import { CorrelationId } from '../messaging/correlation';
import { Notification, NotificationHub } from './notification-hub';
import { ApiErrorResponses } from '../errors/api-error-responses';

/** A comment line every so often keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_MS = STREAM_HEARTBEAT_MS;

function frame(n: Notification): string {
  return `id: ${n.id}\nevent: ${n.event}\ndata: ${JSON.stringify(n.data)}\n\n`;
}

@ApiErrorResponses(401)
@ApiTags('terminal')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('v1/notifications')
export class NotificationsController implements BeforeApplicationShutdown {
  /** Open streams, ended at shutdown so the HTTP server can close (terminals reconnect elsewhere with Last-Event-ID). */
  private readonly open = new Set<() => void>();
  /** Each user's open streams on this instance, oldest first (SSE_STREAMS_PER_USER caps them). */
  private readonly openByUser = new Map<string, Array<() => void>>();

  constructor(private readonly hub: NotificationHub, private readonly env: GatewayEnv) {}

  beforeApplicationShutdown(): void {
    [...this.open].forEach((end) => end());
  }

  @Get('stream')
  @AllowQueryToken()
  @ApiOperation({
    summary: 'Server-Sent Events for the caller: coupon.claimed, order.processed, order.cancelled',
    description: 'Each event has id <topic>:<partition>:<offset>; reconnect with Last-Event-ID (header, or ?lastEventId=) to get what was missed.',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiQuery({ name: 'access_token', required: false, description: 'for EventSource, which cannot send headers' })
  @ApiQuery({ name: 'lastEventId', required: false })
  stream(
    @CurrentUser() user: AuthUser,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('lastEventId') lastEventIdQuery: unknown,
    @CorrelationId() correlationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    const lastEventId = lastEventIdHeader || (typeof lastEventIdQuery === 'string' ? lastEventIdQuery : undefined);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-correlation-id': correlationId,
    });
    res.write('retry: 3000\n\n');
    // Subscribe and replay in the same tick: nothing published in between can fall through the gap.
    const sent = new Set<string>();
    const send = (n: Notification) => {
      if (sent.has(n.id)) return;
      sent.add(n.id);
      if (sent.size > 1000) sent.delete(sent.values().next().value!);
      res.write(frame(n));
    };
    const unsubscribe = this.hub.subscribe(user.userId, send);
    // After a restart the recent past is read back first (notification-history.ts): a replay waits for it, briefly.
    if (lastEventId) void this.hub.whenHistoryRead(5_000).then(() => this.hub.missedSince(user.userId, lastEventId).forEach(send));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(end);
      const rest = (this.openByUser.get(user.userId) ?? []).filter((e) => e !== end);
      if (rest.length) this.openByUser.set(user.userId, rest);
      else this.openByUser.delete(user.userId);
    };
    const end = () => {
      close();
      res.end();
    };
    this.open.add(end);
    // One user can't hold hundreds of streams: past the cap, the oldest is closed (a terminal that still wants it
    // reconnects with Last-Event-ID and misses nothing).
    let mine = [...(this.openByUser.get(user.userId) ?? []), end];
    this.openByUser.set(user.userId, mine);
    while (mine.length > this.env.SSE_STREAMS_PER_USER) {
      mine[0]();
      mine = this.openByUser.get(user.userId) ?? [];
    }
    request.raw.on('close', close);
    res.on('close', close);
    res.on('error', close);
  }
}
