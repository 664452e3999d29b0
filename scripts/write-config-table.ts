// Rewrites the README's configuration tables from api/core/config-table.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTables } from '../api/core/config-docs.ts';

const readme = new URL('../README.md', import.meta.url);
writeFileSync(readme, withConfigTables(readFileSync(readme, 'utf8')));
