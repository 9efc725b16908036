/** A listener of a {@link Store}: called with the new value after every change. */
export type Listener<T> = (value: T) => void;

/**
 * A tiny observable value: `get`, `set`, `subscribe`. `set` notifies only when `equal` says the value
 * really changed, so subscribers (UI components) do not re-render on a refresh that changed nothing. A
 * throwing listener does not stop the others (its error is reported asynchronously, as an event
 * handler's would be).
 */
export class Store<T> {
  #value: T;
  readonly #listeners = new Set<Listener<T>>();
  readonly #equal: (a: T, b: T) => boolean;

  constructor(initial: T, equal: (a: T, b: T) => boolean = Object.is) {
    this.#value = initial;
    this.#equal = equal;
  }

  get(): T {
    return this.#value;
  }

  /** Replaces the value; returns whether listeners were told. */
  set(value: T): boolean {
    if (this.#equal(this.#value, value)) return false;
    this.#value = value;
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: Listener<T>): () => void {
    // Wrapped so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener<T> = (value) => listener(value);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
