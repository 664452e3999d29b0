/** `pongctl secrets init`: a .env with a random value for every secret the compose stack needs. */
import type { Command } from 'commander';
import type { CommandRunner } from '../command-runner.ts';

export function registerSecrets(program: Command, run: CommandRunner): void {
  const secrets = program.command('secrets').description('secrets of the compose stack');
  secrets
    .command('init')
    .description('write missing secrets into .env (mode 0600); existing values are kept')
    .option('--file <path>', '.env file to write', '.env')
    .option(
      '--force',
      'regenerate every secret, replacing existing values (breaks existing volumes that use them)',
    )
    .option('--dry-run', 'list what would be added, write nothing')
    .action(
      run(async (ctx, opts: { file: string; force?: boolean; dryRun?: boolean }) => {
        const { secretTable } = await import('../../ops/secrets/table.ts');
        const { fillSecrets, readEnvFile, writeEnvFile } =
          await import('../../ops/secrets/env-file.ts');
        const result = fillSecrets(readEnvFile(opts.file), secretTable, { force: opts.force });
        if (!opts.dryRun && result.added.length > 0) writeEnvFile(opts.file, result.text);
        if (ctx.io.format !== 'table')
          await ctx.io.print(
            {
              file: opts.file,
              added: result.added,
              kept: result.kept,
              dryRun: Boolean(opts.dryRun),
            },
            [],
          );
        else
          for (const name of result.added)
            ctx.io.out(`${opts.dryRun ? 'would add' : 'added'} ${name}`);
        if (result.added.length === 0)
          ctx.io.success(`no changes: ${opts.file} already has all ${result.kept.length} secrets`);
        else
          ctx.io.success(
            `${opts.dryRun ? 'would write' : 'wrote'} ${result.added.length} secret(s) to ${opts.file}${opts.dryRun ? '' : ' (mode 0600)'}; kept ${result.kept.length}`,
          );
      }),
    );
}
