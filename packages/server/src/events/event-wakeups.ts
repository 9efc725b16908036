/**
 * A wake-up call between instances that share a database. The event table stays the durable record
 * (an instance that missed a wake-up still reads the event at its next poll); a wake-up only makes
 * delivery immediate instead of waiting for the poll.
 */
export interface EventWakeups {
  /** Tells every listening instance that new events are in the table. */
  notify(): Promise<void>;
  /** Calls `wake` on every notification from any instance; resolves once listening, with a stop function. */
  listen(wake: () => void): Promise<() => Promise<void>>;
}
