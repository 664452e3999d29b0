/** `pongctl config get|set|list|use-profile`: the profiles file. */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import type { CommandRunner } from '../command-runner.ts';

const secretKeys = new Set(['accessToken', 'refreshToken']);

function mask(key: string, value: unknown): unknown {
  return secretKeys.has(key) && typeof value === 'string' ? `${value.slice(0, 6)}…` : value;
}

async function load(ctx: CliContext) {
  const profiles = await import('../profiles.ts');
  return { profiles, file: profiles.readProfiles(ctx.configFile) };
}

export function registerConfig(program: Command, run: CommandRunner): void {
  const config = program.command('config').description('read and change CLI profiles');

  config
    .command('get <key>')
    .description('print one setting of the active profile')
    .action(
      run(async (ctx, key: string) => {
        const value = (ctx.profile as Record<string, unknown>)[key];
        if (value === undefined) {
          const { AppError } = await import('../../api/contract/errors.ts');
          throw new AppError('NOT_FOUND', `${key} is not set in profile ${ctx.profileName}`);
        }
        ctx.io.out(String(mask(key, value)));
      }),
    );

  config
    .command('set <key> <value>')
    .description('set api or output in the active profile')
    .action(
      run(async (ctx, key: string, value: string) => {
        const { profiles, file } = await load(ctx);
        if (!(profiles.settableKeys as readonly string[]).includes(key)) {
          const { AppError } = await import('../../api/contract/errors.ts');
          throw new AppError(
            'VALIDATION',
            `unknown key ${key}; settable keys: ${profiles.settableKeys.join(', ')}`,
          );
        }
        const next = { ...file.profiles[ctx.profileName], [key]: value };
        const parsed = profiles.profileSchema.safeParse(next);
        if (!parsed.success) {
          const { AppError } = await import('../../api/contract/errors.ts');
          throw new AppError('VALIDATION', `invalid ${key}: ${parsed.error.issues[0]?.message}`);
        }
        profiles.writeProfiles(ctx.configFile, {
          ...file,
          profiles: { ...file.profiles, [ctx.profileName]: parsed.data },
        });
        ctx.io.success(`${key} set in profile ${ctx.profileName}`);
      }),
    );

  config
    .command('list')
    .description('list every profile and its settings (tokens masked)')
    .action(
      run(async (ctx) => {
        const { file } = await load(ctx);
        const rows = Object.entries(file.profiles).flatMap(([name, profile]) =>
          Object.entries(profile).map(([key, value]) => ({
            profile: name,
            active: name === ctx.profileName,
            key,
            value: mask(key, value),
          })),
        );
        await ctx.io.print(rows, [
          { header: 'PROFILE', value: (r) => (r.active ? `${r.profile} *` : r.profile) },
          { header: 'KEY', value: (r) => r.key },
          { header: 'VALUE', value: (r) => r.value },
        ]);
      }),
    );

  config
    .command('use-profile <name>')
    .description('make a profile the active one (created when new)')
    .action(
      run(async (ctx, name: string) => {
        const { profiles, file } = await load(ctx);
        const valid = profiles.validateProfileName(name);
        profiles.writeProfiles(ctx.configFile, {
          currentProfile: valid,
          profiles: { ...file.profiles, [valid]: file.profiles[valid] ?? {} },
        });
        ctx.io.success(`now using profile ${valid}`);
      }),
    );
}
