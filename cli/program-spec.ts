/**
 * What the pongctl program is, as data: its description, global options and
 * the text after its help. `main.ts` builds commander's program from it, and
 * `top-help.ts` prints the top-level help from it without loading commander.
 */

export const programDescription = 'Run the pongctl Pong platform and its observability stack';

export interface GlobalOption {
  /** As commander's `new Option()` takes them: `-o, --output <format>`. */
  flags: string;
  description: string;
  choices?: readonly string[];
}

export const versionOption: GlobalOption = { flags: '--version', description: 'print the version' };

export const globalOptions: readonly GlobalOption[] = [
  { flags: '--api <url>', description: 'API base URL (env PONGCTL_API)' },
  { flags: '--profile <name>', description: 'profile to use (env PONGCTL_PROFILE)' },
  {
    flags: '-o, --output <format>',
    description: 'output format',
    choices: ['table', 'json', 'yaml', 'csv'],
  },
  { flags: '--no-color', description: 'disable colour (also NO_COLOR)' },
  { flags: '--no-input', description: 'never prompt; fail when input is missing' },
  { flags: '-q, --quiet', description: 'print only data' },
  { flags: '-v, --verbose', description: 'print debugging details on stderr' },
];

export const exitCodesHelp = `
Exit codes:
  0   success            4   not signed in or not allowed
  1   failure / diff     5   conflict
  2   usage or invalid   6   unavailable or rate limited
  3   not found          78  configuration error

Environment:
  PONGCTL_API, PONGCTL_TOKEN, PONGCTL_PROFILE, PONGCTL_NO_INPUT, NO_COLOR`;
