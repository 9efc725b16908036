/**
 * Runs at most `concurrency` tasks at once with at most `queueLimit` waiting; a task that would wait
 * beyond that is refused (`run` returns undefined) so callers can shed load instead of piling up.
 */
export class Gate {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  /** True when `run` would refuse a task now. */
  get full(): boolean {
    return this.#running >= this.concurrency && this.#waiting.length >= this.queueLimit;
  }

  run<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.full) return undefined;
    return this.#acquire().then(async () => {
      try {
        return await task();
      } finally {
        this.#release();
      }
    });
  }

  #acquire(): Promise<void> {
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#running--;
  }
}
