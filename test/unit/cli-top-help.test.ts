import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../cli/main.ts';
import { renderTopHelp } from '../../cli/top-help.ts';

const bin = fileURLToPath(new URL('../../bin/pongctl', import.meta.url));

/** What commander prints for `pongctl --help` on a terminal this many columns wide. */
async function commanderHelp(width: number | undefined): Promise<string> {
  const program = await buildProgram({ exitCode: 0 }, ['--help']);
  let text = '';
  program.configureOutput({
    writeOut: (s) => (text += s),
    getOutHelpWidth: () => width as number, // undefined means not a terminal, as commander returns it
    getOutHasColors: () => false,
  });
  program.outputHelp();
  return text;
}

describe('pongctl --help without commander', () => {
  it('prints exactly what commander prints, at every terminal width', async () => {
    for (const width of [undefined, 30, 50, 60, 65, 66, 79, 80, 100, 120, 200]) {
      assert.equal(renderTopHelp(width), await commanderHelp(width), `at width ${width}`);
    }
  });

  it('is what bin/pongctl prints for --help, -h and help, and only for those', async () => {
    const expected = await commanderHelp(undefined);
    for (const arg of ['--help', '-h', 'help'])
      assert.equal(execFileSync(process.execPath, [bin, arg], { encoding: 'utf8' }), expected);
    // Anything more goes through commander: the version, a command's help.
    assert.match(
      execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' }),
      /^pongctl /,
    );
    const usersHelp = execFileSync(process.execPath, [bin, 'help', 'users'], { encoding: 'utf8' });
    assert.match(usersHelp, /^Usage: pongctl users/);
  });
});
