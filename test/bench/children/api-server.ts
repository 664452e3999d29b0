/**
 * Bench child: the real API through api/server.ts with the configuration from
 * its environment (production defaults: access log on, metrics on). Logs go to
 * stdout, which the runner drains.
 */
import { loadConfig } from '../../../api/core/config.ts';
import { startServer } from '../../../api/server.ts';
import { announceReady, onStop } from './protocol.ts';

const server = await startServer({ config: loadConfig(process.env), migrate: true });
onStop(() => server.shutdown());
announceReady(server.url);
