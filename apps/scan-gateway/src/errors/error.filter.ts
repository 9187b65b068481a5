import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { mapError } from './error-mapping';

/** Every error leaves the gateway as `{"error": {code, message, details}}` (see mapError). */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse();
    const mapped = mapError(exception);
    if (mapped.internal) {
      // Logs written during a request carry no correlation id by themselves (service-kit README): name it here.
      const correlationId = host.switchToHttp().getRequest<{ id?: string }>()?.id;
      this.logger.error({ correlationId, msg: exception instanceof Error ? exception.stack ?? exception.message : String(exception) });
    }
    // An SSE stream has already sent its headers; nothing can be answered any more.
    if (reply.sent || reply.raw?.headersSent) return;
    reply.status(mapped.status).header('content-type', 'application/json; charset=utf-8').send(mapped.body);
  }
}
