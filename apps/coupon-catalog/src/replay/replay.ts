import 'reflect-metadata';
import { Topics } from '@coupons/contracts';
import { ReplayTarget, runReplayTool } from '@coupons/messaging';
import { catalogProjection } from '../catalog/catalog.projection';
import { catalogDataSourceOptions } from '../database/data-source';
import { SERVICE_NAME } from '../env';

/**
 * The catalog for the replay tool: its projection (the folds the live service runs), its own TypeORM options, and
 * the consumer group folding wallet and ordering events (catalog events are folded when decided).
 */
export const catalogReplayTarget: ReplayTarget = {
  service: SERVICE_NAME,
  projector: catalogProjection,
  dataSourceOptions: (env) => catalogDataSourceOptions(env),
  defaultSchema: 'coupon_catalog',
  liveConsumers: [{ groupId: SERVICE_NAME, topics: [Topics.walletEvents, Topics.orderingEvents] }],
};

/** `node dist/apps/coupon-catalog/src/replay/replay.js [--verify | --from-scratch]` (npm run replay -- coupon-catalog). */
if (require.main === module) {
  void runReplayTool(catalogReplayTarget).then((code) => process.exit(code));
}
