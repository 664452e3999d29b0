/**
 * The README's configuration tables, generated from config-table.ts so they
 * cannot drift: `npm run docs:config` rewrites them between the markers, and
 * a unit test fails when the README's copy is stale.
 */
import { sections, settings, shownDefault } from './config-table.ts';

export const tableStart =
  '<!-- configuration: generated from api/core/config-table.ts by `npm run docs:config` -->';
export const tableEnd = '<!-- end of configuration -->';

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** One table per section: variable, default, meaning. */
export function configTables(): string {
  const parts: string[] = [];
  for (const section of sections) {
    parts.push(`**${section}**`, '', '| variable | default | meaning |', '|---|---|---|');
    for (const [name, s] of Object.entries(settings))
      if (s.section === section)
        parts.push(`| \`${name}\` | ${cell(shownDefault(s))} | ${cell(s.doc)} |`);
    parts.push('');
  }
  return parts.join('\n').trimEnd();
}

/** `readme` with the text between the markers replaced by the generated tables. */
export function withConfigTables(readme: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error('README has no configuration markers');
  return `${readme.slice(0, start + tableStart.length)}\n\n${configTables()}\n\n${readme.slice(end)}`;
}
