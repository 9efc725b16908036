/**
 * `@portalkit/server`: the PortalKit companion server and the `portalkit` CLI.
 * @packageDocumentation
 */
export { main } from './cli/main.js';
export type { CliIo, ExitCode } from './cli/io.js';
export { readConfigFile } from './config/read-config-file.js';
export { ConfigHolder } from './config/config-holder.js';
export { startPortalServer } from './app/portal-server.js';
export type { PortalServer, PortalServerOptions } from './app/portal-server.js';
export type { PagesOptions } from './pages/static-pages.js';
export type { ServerContext } from './app/context.js';
export { ManualClock, systemClock } from './util/clock.js';
export type { Clock } from './util/clock.js';
export type { Mailer, MailMessage } from './mail/mailer.js';
export { seedContacts } from './seed/seed-contacts.js';
export type { SeedAccount, SeedContact } from './seed/seed-contacts.js';
