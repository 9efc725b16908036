/** The directory holding initdb and pg_ctl, if PostgreSQL is installed. */
export declare function findPostgresBin(): string | undefined;
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the cluster and removes its files. */
  stop(): void;
}
/** Starts a throwaway cluster; `durable: false` turns fsync off (tests). */
export declare function startPostgresCluster(options?: { bin?: string; durable?: boolean }): Promise<PostgresCluster>;
