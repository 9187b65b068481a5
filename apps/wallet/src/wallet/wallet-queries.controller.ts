import { CommandOutcomeQuery, Envelope, GetWalletQuery, Queries, WalletView } from '@coupons/contracts';
import { answerQuery, findCommandOutcome, parseQuery } from '@coupons/messaging';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PinoLogger } from 'nestjs-pino';
import { DataSource, In } from 'typeorm';
import { ClaimEntity, ClaimRedemptionEntity } from './entities';
import { walletCouponView } from './wallet-view';

/** Read-only request/reply queries over Kafka. */
@Controller()
export class WalletQueriesController {
  constructor(private readonly dataSource: DataSource, private readonly logger: PinoLogger) {
    logger.setContext(WalletQueriesController.name);
  }

  private readonly logError = (err: unknown) => this.logger.error({ err }, 'query failed');

  /** The user's claimed coupons, newest first (an empty wallet is a wallet, not a not-found). */
  @MessagePattern(Queries.getWallet)
  getWallet(@Payload() data: unknown) {
    return answerQuery<WalletView>(async () => {
      const parsed = parseQuery(GetWalletQuery, data);
      if (!parsed.ok) return parsed.reply;
      const em = this.dataSource.manager;
      const claims = await em.find(ClaimEntity, { where: { userId: parsed.query.userId }, order: { claimedAt: 'DESC', claimId: 'ASC' } });
      const redemptions = claims.length ? await em.findBy(ClaimRedemptionEntity, { claimId: In(claims.map((c) => c.claimId)) }) : [];
      const byClaim = new Map(redemptions.map((r) => [r.claimId, r]));
      const now = new Date();
      return { ok: true, value: { coupons: claims.map((c) => walletCouponView(c, byClaim.get(c.claimId) ?? null, now)) } };
    }, this.logError);
  }

  @MessagePattern(Queries.commandOutcome.wallet)
  commandOutcome(@Payload() data: unknown) {
    return answerQuery<Envelope>(async () => {
      const parsed = parseQuery(CommandOutcomeQuery, data);
      if (!parsed.ok) return parsed.reply;
      const outcome = await findCommandOutcome(this.dataSource, parsed.query.commandId);
      return outcome ? { ok: true, value: outcome } : { ok: false, code: 'COMMAND_NOT_FOUND', message: `no outcome for command ${parsed.query.commandId}` };
    }, this.logError);
  }
}
