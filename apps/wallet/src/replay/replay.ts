import 'reflect-metadata';
import { Topics } from '@coupons/contracts';
import { ReplayTarget, runReplayTool } from '@coupons/messaging';
import { walletDataSourceOptions } from '../database/data-source';
import { SERVICE_NAME } from '../env';
import { walletProjection } from '../wallet/wallet.projection';

/**
 * The wallet for the replay tool: its projection (the folds the live service runs), its own TypeORM options, and
 * the consumer group folding catalog and ordering events (wallet events are folded when decided).
 */
export const walletReplayTarget: ReplayTarget = {
  service: SERVICE_NAME,
  projector: walletProjection,
  dataSourceOptions: (env) => walletDataSourceOptions(env),
  defaultSchema: 'wallet',
  liveConsumers: [{ groupId: SERVICE_NAME, topics: [Topics.catalogEvents, Topics.orderingEvents] }],
  // Claims are only inserted (and their terms set by CouponStockChanged, whose fold writes them itself): a rebuild loads them, then builds these (the foreign key to coupon_quota and the
  // sequence and user indexes cost more per row than the claim row itself).
  rebuildDeferred: ['claim_quota_fkey', 'claim_issue_seq_key', 'claim_user_seq_key', 'claim_user_idx'],
};

/** `node dist/apps/wallet/src/replay/replay.js [--verify | --from-scratch]` (npm run replay -- wallet). */
if (require.main === module) {
  void runReplayTool(walletReplayTarget).then((code) => process.exit(code));
}
