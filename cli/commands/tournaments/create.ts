/**
 * `pongctl tournaments create`: flags, checked with the contract's schema;
 * on a terminal, missing answers are asked for by an inquirer wizard.
 */
import { AppError } from '../../../api/contract/errors.ts';
import {
  createTournamentBodySchema,
  tournamentFormatValues,
} from '../../../api/contract/tournaments.ts';
import type { CliContext } from '../../context.ts';

export interface CreateOptions {
  name?: string;
  capacity?: string;
  format?: string;
  startsAt?: string;
  registrationClosesAt?: string;
  pointsToWin?: string;
  settings?: string;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError('VALIDATION', `${flag} is not JSON`);
  }
}

/** Asks for what the flags left out. */
async function wizard(o: CreateOptions): Promise<CreateOptions> {
  const { input, number, select } = await import('@inquirer/prompts');
  const name =
    o.name ??
    (await input({
      message: 'Tournament name',
      validate: (v) => (v.trim().length >= 1 && v.trim().length <= 60) || '1-60 characters',
    }));
  const format =
    o.format ??
    (await select({
      message: 'Format',
      choices: [
        { name: 'Single elimination (bracket)', value: 'single_elimination' },
        { name: 'Round robin (everyone plays everyone)', value: 'round_robin' },
      ],
    }));
  const capacity =
    o.capacity ??
    String(
      await number({ message: 'Most players (4-64)', default: 8, min: 4, max: 64, required: true }),
    );
  const pointsToWin =
    o.pointsToWin ??
    String(
      await number({
        message: 'Points to win a game (1-21)',
        default: 11,
        min: 1,
        max: 21,
        required: true,
      }),
    );
  const startsAt =
    o.startsAt ??
    ((
      await input({ message: 'Start automatically at (ISO 8601, empty: start it yourself)' })
    ).trim() ||
      undefined);
  return { ...o, name, format, capacity, pointsToWin, startsAt };
}

function body(o: CreateOptions) {
  const settings =
    o.settings !== undefined
      ? (parseJson(o.settings, '--settings') as Record<string, unknown>)
      : o.pointsToWin !== undefined
        ? {}
        : undefined;
  if (settings && o.pointsToWin !== undefined) settings.pointsToWin = Number(o.pointsToWin);
  const parsed = createTournamentBodySchema.safeParse({
    name: o.name,
    capacity: o.capacity === undefined ? undefined : Number(o.capacity),
    format: o.format,
    settings,
    startsAt: o.startsAt,
    registrationClosesAt: o.registrationClosesAt,
  });
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({
      path: `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      message: i.message,
    }));
    throw new AppError('VALIDATION', 'The tournament is not valid', details);
  }
  return parsed.data;
}

export async function create(ctx: CliContext, flags: CreateOptions): Promise<void> {
  const missing = !flags.name || !flags.capacity || !flags.format;
  if (missing)
    ctx.io.requireInteractive(
      'the name, capacity and format',
      `pass --name, --capacity and --format (${tournamentFormatValues.join(' or ')})`,
    );
  const o = missing ? await wizard(flags) : flags;
  const request = body(o);
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.create', { body: request }),
  );
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  ctx.io.success(
    `created ${data.name} (${data.id}); players register with \`pongctl tournaments register ${data.id} --alias <alias>\` (POST /api/v1/tournaments/${data.id}/register {alias})`,
  );
  ctx.io.out(data.id);
}
