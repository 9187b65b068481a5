import { Body, CanActivate, Controller, HttpCode, Injectable, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GatewayEnv } from '../config/gateway.env';
import { ApiError } from '../errors/api-error';
import { DevTokenRequest, DevTokenResponse } from './dto/dev-token.dto';
import { TokenService } from './token.service';
import { ApiErrorResponses } from '../errors/api-error-responses';
import { AbuseLimited } from '../abuse/abuse-limits';
import { UserLimitGuard } from '../abuse/abuse-limit.guards';

/** Runs before body validation, so a disabled endpoint is a 404 whatever the body. */
@Injectable()
class DevTokensEnabled implements CanActivate {
  constructor(private readonly env: GatewayEnv) {}
  canActivate(): boolean {
    if (!this.env.AUTH_DEV_TOKENS) throw new ApiError(404, 'NOT_FOUND', 'no such resource');
    return true;
  }
}

@ApiErrorResponses(400, 404, 413, 415, 429)
@ApiTags('auth')
@Controller('v1/auth')
export class DevTokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post('dev-token')
  @HttpCode(200)
  @UseGuards(DevTokensEnabled, UserLimitGuard)
  @AbuseLimited('devTokens')
  @ApiOperation({ summary: 'Mint a token for development (only when AUTH_DEV_TOKENS=true; 404 otherwise)' })
  @ApiOkResponse({ type: DevTokenResponse })
  async devToken(@Body() body: DevTokenRequest): Promise<DevTokenResponse> {
    return this.tokens.issueDevToken(body.userId, body.roles?.length ? [...new Set(body.roles)] : ['customer'], body.merchantId);
  }
}
