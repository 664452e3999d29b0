/**
 * `pongctl --help` without commander: importing commander is most of the
 * CLI's start-up, and the top-level help needs none of it. The layout is
 * commander's (terms padded to the longest, descriptions wrapped at the
 * terminal's width); test/unit/cli-top-help.test.ts proves the text equal to
 * commander's at several widths.
 */
import { commandModules } from './commands/index.ts';
import { helpExamples } from './help.ts';
import { exitCodesHelp, globalOptions, programDescription, versionOption } from './program-spec.ts';

const helpItem = { term: '-h, --help', description: 'display help for command' };
/** Below this many columns for a description commander stops wrapping. */
const minWidthToWrap = 40;

/** Wraps at whitespace to `width` columns, keeping existing line breaks. */
function wrap(text: string, width: number): string {
  if (width < minWidthToWrap) return text;
  return text
    .split('\n')
    .map((line) => {
      const chunks = line.match(/\s*\S+/g);
      if (!chunks) return '';
      const lines: string[] = [];
      let current = chunks[0]!;
      for (const chunk of chunks.slice(1)) {
        if (current.length + chunk.length <= width) current += chunk;
        else {
          lines.push(current);
          current = chunk.trimStart();
        }
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}

function section(
  heading: string,
  items: readonly { term: string; description: string }[],
  termWidth: number,
  width: number,
): string[] {
  const descriptionWidth = width - termWidth - 4;
  return [
    heading,
    ...items.map(({ term, description }) => {
      const wrapped =
        descriptionWidth < minWidthToWrap
          ? description
          : wrap(description, descriptionWidth).replaceAll('\n', `\n${' '.repeat(termWidth + 4)}`);
      return `  ${term.padEnd(termWidth)}  ${wrapped}`;
    }),
    '',
  ];
}

/** The top-level help as commander would print it at this terminal width. */
export function renderTopHelp(width = 80): string {
  const options = [versionOption, ...globalOptions].map((o) => ({
    term: o.flags,
    description: o.choices
      ? `${o.description} (choices: ${o.choices.map((c) => JSON.stringify(c)).join(', ')})`
      : o.description,
  }));
  options.push(helpItem);
  const commands = commandModules.flatMap((module) =>
    module.commands.map((c) => {
      const [name, ...args] = c.command.split(' ');
      const alias = c.aliases?.[0] ? `|${c.aliases[0]}` : '';
      return { term: [`${name}${alias}`, ...args].join(' '), description: c.summary };
    }),
  );
  commands.push({ term: 'help [command]', description: helpItem.description });
  const termWidth = Math.max(...[...options, ...commands].map((i) => i.term.length));
  const examples = (helpExamples[''] ?? []).map((e) => `  $ ${e}`).join('\n');
  const help = [
    'Usage: pongctl [options] [command]',
    '',
    wrap(programDescription, width),
    '',
    ...section('Options:', options, termWidth, width),
    ...section('Commands:', commands, termWidth, width),
  ].join('\n');
  // commander writes each text added after the help on a line of its own.
  return `${help}${exitCodesHelp}\n\nExamples:\n${examples}\n`;
}
