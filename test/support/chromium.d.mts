/** The Chromium binary: `CHROME_PATH`, else Debian's. */
export declare const CHROMIUM_PATH: string;
/** Headless, offline, loopback-only. */
export declare const CHROMIUM_ARGS: readonly string[];
