import { InitialWalletSchema1764040100000 } from './1764040100000-InitialWalletSchema';
import { ClaimSequences1764040200000 } from './1764040200000-ClaimSequences';
import { WalletDecisionPipeline1764040400000 } from './1764040400000-WalletDecisionPipeline';
import { ClaimDailyCaps1764040600000 } from './1764040600000-ClaimDailyCaps';
import { StockChanges1764045150000 } from './1764045150000-StockChanges';

/** Every wallet migration, oldest first. */
export const WALLET_MIGRATIONS = [
  InitialWalletSchema1764040100000, ClaimSequences1764040200000, WalletDecisionPipeline1764040400000, ClaimDailyCaps1764040600000, StockChanges1764045150000,
];
