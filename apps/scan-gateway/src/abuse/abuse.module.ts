import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayEnv } from '../config/gateway.env';
import { throttlersFor } from './abuse-limits';
import { AddressLimitGuard, UserLimitGuard } from './abuse-limit.guards';

/** Rate limits (abuse-limits.ts): the address guard for every route, the user guard for controllers that list it. */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [GatewayEnv],
      useFactory: (env: GatewayEnv) => ({ throttlers: throttlersFor(env), setHeaders: false }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: AddressLimitGuard }, UserLimitGuard],
  exports: [UserLimitGuard, ThrottlerModule],
})
export class AbuseModule {}
