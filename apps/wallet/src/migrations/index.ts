import { InitialWalletSchema1764040100000 } from './1764040100000-InitialWalletSchema';

/** Every wallet migration, oldest first. */
export const WALLET_MIGRATIONS = [InitialWalletSchema1764040100000];
