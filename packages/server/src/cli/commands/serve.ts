import { parseArgs } from 'node:util';
import { startPortalServer } from '../../app/portal-server.js';
import type { PortalServer } from '../../app/portal-server.js';
import { ConfigHolder } from '../../config/config-holder.js';
import { SchemaChangeRefused } from '../../data/schema/schema-errors.js';
import { DATA_OPTIONS, DATA_USAGE, databaseLocation, loadModel } from '../data-options.js';
import { UsageError, writeLine } from '../io.js';
import type { CliIo, ExitCode } from '../io.js';

export const serveCommand = {
  summary: 'run the companion server',
  usage: [
    `Usage: portalkit serve ${DATA_USAGE} [--host 127.0.0.1] [--port 8787] [--public-url URL] [--trust-proxy] [--allow-destructive]`,
    '',
    'Data tables are created and extended from the configuration at start. Removed tables and columns',
    'are kept; --allow-destructive drops them, and re-creates columns whose type changed (losing their data).',
    'Prints "PortalKit listening on URL" when ready. SIGHUP reloads the configuration (open pages are',
    'told within seconds); SIGINT/SIGTERM stop gracefully.',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<ExitCode> {
    const { values } = parseArgs({
      args,
      options: {
        ...DATA_OPTIONS,
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8787' },
        'public-url': { type: 'string' },
        'trust-proxy': { type: 'boolean', default: false },
        'allow-destructive': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, not "${values.port}".`);
    const location = databaseLocation(values);
    const model = await loadModel(values, io);
    if (!model) return 1;
    const config = new ConfigHolder(model, values.config);
    let server: PortalServer;
    try {
      server = await startPortalServer({
        config,
        ...(location.url !== undefined ? { databaseUrl: location.url } : { dataDir: location.dataDir }),
        host: values.host,
        port,
        ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
        trustProxy: values['trust-proxy'],
        allowDestructiveSchemaChanges: values['allow-destructive'],
        logger: values.quiet ? false : { level: 'info' },
        echoMail: (message) => writeLine(io.stdout, `[mail] to ${message.to}: ${message.subject}\n${message.text}`),
      });
    } catch (error) {
      if (error instanceof SchemaChangeRefused) {
        writeLine(io.stderr, `portalkit serve: ${error.message}\nRun with --allow-destructive to apply them anyway.`);
        return 1;
      }
      throw error;
    }
    writeLine(io.stdout, `PortalKit listening on ${server.url}`);

    const onReload = async (): Promise<void> => {
      const result = await config.reload();
      if (result.ok) {
        await server.context.audit.record({ action: 'config-reload', outcome: 'success', actor: 'operator' });
        await server.context.events.publish('permissions-changed');
        writeLine(io.stdout, 'Configuration reloaded.');
      } else {
        await server.context.audit.record({ action: 'config-reload', outcome: 'failure', actor: 'operator', detail: { errors: result.errors.length } });
        writeLine(io.stderr, `Configuration not reloaded (${result.errors.length} errors); the previous one stays in force:`);
        for (const issue of result.errors) writeLine(io.stderr, `  ${issue.path}: ${issue.message}`);
      }
    };
    process.on('SIGHUP', () => void onReload());
    await new Promise<void>((resolve) => {
      const stop = (): void => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
