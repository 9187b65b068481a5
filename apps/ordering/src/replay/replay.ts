import 'reflect-metadata';
import { Topics } from '@coupons/contracts';
import { ReplayTarget, runReplayTool } from '@coupons/messaging';
import { orderingDataSourceOptions } from '../database/data-source';
import { SERVICE_NAME } from '../env';
import { FOLD_GROUP } from '../ordering/ordering-messages.service';
import { orderingProjection } from '../ordering/ordering.projection';

const FOLDED_TOPICS: string[] = [Topics.catalogEvents, Topics.walletEvents];

/**
 * Ordering for the replay tool: its projection (the folds the live service runs), its own TypeORM options, and the
 * consumer group folding catalog and wallet events (ordering events are folded when decided). A rebuild also records
 * how far it folded each partition of those topics (fold_position, what read-your-writes waits on), as the live
 * folds do.
 */
export const orderingReplayTarget: ReplayTarget = {
  service: SERVICE_NAME,
  projector: orderingProjection,
  dataSourceOptions: (env) => orderingDataSourceOptions(env),
  defaultSchema: 'ordering',
  liveConsumers: [{ groupId: FOLD_GROUP, topics: FOLDED_TOPICS }],
};

/** `node dist/apps/ordering/src/replay/replay.js [--verify | --from-scratch]` (npm run replay -- ordering). */
if (require.main === module) {
  void runReplayTool(orderingReplayTarget).then((code) => process.exit(code));
}
