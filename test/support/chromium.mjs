// Debian's Chromium for every browser the tests and benchmarks start (web-test-runner, playwright-core).
// The flags keep it off the network this machine does not have (see ../shared/TOOLCHAIN.md): without them
// it keeps trying to reach Google's hosts and the closed network refuses it.

/** The Chromium binary: `CHROME_PATH`, else Debian's. */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Headless, offline, loopback-only. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
]);
