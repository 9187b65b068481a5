import { InitialOrderingSchema1764040200000 } from './1764040200000-InitialOrderingSchema';
import { OrderingFoldPositions1764040300000 } from './1764040300000-OrderingFoldPositions';
import { OrderingDecisionPipeline1764040400000 } from './1764040400000-OrderingDecisionPipeline';
import { OrderingMerchantTenancy1764040500000 } from './1764040500000-OrderingMerchantTenancy';

/** Every ordering migration, oldest first. */
export const ORDERING_MIGRATIONS = [InitialOrderingSchema1764040200000, OrderingFoldPositions1764040300000, OrderingDecisionPipeline1764040400000,
  OrderingMerchantTenancy1764040500000,
];
