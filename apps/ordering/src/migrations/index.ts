import { InitialOrderingSchema1764040200000 } from './1764040200000-InitialOrderingSchema';

/** Every ordering migration, oldest first. */
export const ORDERING_MIGRATIONS = [InitialOrderingSchema1764040200000];
