import { Envelope } from '@coupons/contracts';
import { recordCommandOutcomes } from './command-outcomes';
import type { RunFold } from './projector';

/**
 * Helpers for set-based folds (Projector `foldRuns`). A run fold must leave the rows the events leave applied one
 * after another, and fail exactly when one of them would fail alone. So: compute every event's row values first (a
 * conversion that throws for one event throws for the run), then keep, per key, the event that wins one at a time.
 */

/** The first item of each key, in order: what "insert, or ignore if it exists" keeps. */
export function firstOfEach<T>(items: readonly T[], key: (item: T) => string): T[] {
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!out.has(k)) out.set(k, item);
  }
  return [...out.values()];
}

/** The last item of each key: what "insert, or overwrite" and "update" keep. */
export function lastOfEach<T>(items: readonly T[], key: (item: T) => string): T[] {
  const out = new Map<string, T>();
  for (const item of items) out.set(key(item), item);
  return [...out.values()];
}

/**
 * An event time as a timestamptz parameter: the instant a JavaScript Date holds (millisecond precision, UTC), exactly
 * what TypeORM sent for `new Date(iso)`, so rows written by set-based folds equal those the entity-based folds wrote.
 * Throws for a time a Date cannot hold (as the entity path failed on it).
 */
export function eventInstant(iso: string): string {
  return new Date(iso).toISOString();
}

export function eventInstantOrNull(iso: string | null | undefined): string | null {
  return iso ? eventInstant(iso) : null;
}

/**
 * A fold of a service's own outcome events that also stores each as the outcome of the command that caused it
 * (commandOutcome: what an Idempotency-Key repeat is answered with), live and on replay alike.
 */
export function withCommandOutcomes<P>(fold: RunFold<P>): RunFold<P> {
  return async (em, envelopes) => {
    await fold(em, envelopes);
    await recordCommandOutcomes(em, envelopes as readonly Envelope[]);
  };
}
