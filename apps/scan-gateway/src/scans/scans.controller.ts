import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RequestLogLevel } from '@coupons/service-kit';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { OptionalAuth } from '../auth/roles';
import { AbuseLimited } from '../abuse/abuse-limits';
import { UserLimitGuard } from '../abuse/abuse-limit.guards';
import { ScanRequest, ScanResponse } from './dto/scan.dto';
import { ScanBodyPipe } from './scan-body.pipe';
import { SCAN_RESPONSE_SCHEMA } from './scan-response.schema';
import { ScansService } from './scans.service';
import { ApiErrorResponses } from '../errors/api-error-responses';

@ApiErrorResponses(400, 401, 413, 415, 429, 503)
@ApiTags('terminal')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, UserLimitGuard)
@AbuseLimited('scans')
@Controller('v1/scans')
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  @Post()
  @HttpCode(200)
  @OptionalAuth()
  // The hottest route: a line per answered scan at info would be most of the log (README, "Logs").
  @RequestLogLevel('debug')
  // fast-json-stringify compiled from this schema writes the 200 body instead of JSON.stringify.
  @RouteSchema({ response: { 200: SCAN_RESPONSE_SCHEMA } })
  @ApiOperation({
    summary: 'Coupons for a scanned code, ranked, with the best one and the store\'s promoted products',
    description: 'Token optional (a token that is sent must be valid). An unreadable code is 400 INVALID_CODE; a store QR and a body storeId that differ is 400 VALIDATION_FAILED naming storeId; an unknown product is 200 with product null.',
  })
  @ApiOkResponse({ type: ScanResponse })
  @ApiBody({ type: ScanRequest })
  // Declared `unknown` so the global ValidationPipe leaves it to ScanBodyPipe (same rules, with a fast path).
  scan(@Body(ScanBodyPipe) body: unknown): Promise<ScanResponse> {
    const { code, storeId } = body as ScanRequest;
    return this.scans.scan(code, storeId);
  }
}
