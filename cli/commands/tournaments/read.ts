/** `pongctl tournaments list` and `show`: a table of tournaments; one tournament with its bracket or table. */
import { AppError } from '../../../api/contract/errors.ts';
import {
  tournamentStateValues,
  type TournamentSummary,
  type TournamentView,
} from '../../../api/contract/tournaments.ts';
import type { CliContext } from '../../context.ts';
import type { Column } from '../../io.ts';

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** The one label of each format, in tables and in `show`. */
export const formatLabels: Readonly<Record<TournamentSummary['format'], string>> = {
  single_elimination: 'single elimination',
  round_robin: 'round robin',
};

const columns: Column<TournamentSummary>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'FORMAT', value: (t) => formatLabels[t.format] },
  { header: 'STATE', value: (t) => t.state },
  { header: 'PLAYERS', value: (t) => `${t.players}/${t.capacity}` },
  { header: 'ROUND', value: (t) => (t.roundsTotal ? `${t.currentRound}/${t.roundsTotal}` : '') },
  {
    header: 'WINNER',
    value: (t) => (t.winner ? `${t.winner.alias} (${t.winner.username ?? '-'})` : ''),
  },
  { header: 'STARTS', value: (t) => when(t.startedAt ?? t.startsAt) },
];

export async function list(
  ctx: CliContext,
  o: { state?: string; limit?: string; all?: boolean; cursor?: string },
): Promise<void> {
  if (o.state !== undefined && !(tournamentStateValues as readonly string[]).includes(o.state)) {
    throw new AppError(
      'VALIDATION',
      `--state must be one of ${tournamentStateValues.join(', ')} (got "${o.state}")`,
    );
  }
  const state = o.state as TournamentSummary['state'] | undefined;
  const { collect, pageSize, tellWhatIsLeft } = await import('../../pages.ts');
  const limit = pageSize(o.limit, { fallback: 20 });
  const { withSession } = await import('../../session.ts');
  const list = await withSession(ctx, (client) =>
    collect((cursor) => client.call('tournaments.list', { query: { state, limit, cursor } }), o),
  );
  await ctx.io.print(list.rows, columns);
  tellWhatIsLeft(ctx.io, list);
}

function summary(v: TournamentView): Record<string, unknown> {
  return {
    name: v.name,
    id: v.id,
    format: formatLabels[v.format],
    state: v.state,
    players: `${v.players}/${v.capacity}`,
    ...(v.roundsTotal ? { round: `${v.currentRound} of ${v.roundsTotal}` } : {}),
    ...(v.startsAt && v.state === 'registration' ? { starts: when(v.startsAt) } : {}),
    ...(v.winner ? { winner: `${v.winner.alias} (${v.winner.username ?? '-'})` } : {}),
    'created by': v.createdBy ?? '',
  };
}

/** Matches waiting to be played, with the ids `result` takes. */
function openMatches(v: TournamentView): string[] {
  const open = v.rounds
    .flatMap((r) => r.matches)
    .filter((m) => m.state === 'scheduled' || m.state === 'ready');
  if (open.length === 0) return [];
  return [
    '',
    'Open matches:',
    ...open.map(
      (m) =>
        `  ${m.id}  ${m.a?.alias} vs ${m.b?.alias}  ${m.state}${m.joinBy ? `, join by ${when(m.joinBy)}` : ''}`,
    ),
  ];
}

export async function show(ctx: CliContext, id: string): Promise<void> {
  const { withSession } = await import('../../session.ts');
  const { data } = await withSession(ctx, (client) =>
    client.call('tournaments.get', { params: { id } }),
  );
  // CSV has no place for the rounds: it gets the summary's key/value rows.
  if (ctx.io.format === 'csv') return ctx.io.printRecord(summary(data));
  if (ctx.io.format !== 'table') return ctx.io.print(data, []);
  await ctx.io.printRecord(summary(data));
  const { renderTournament } = await import('../../render/bracket.ts');
  ctx.io.out('');
  ctx.io.out(renderTournament(data, { color: ctx.io.options.color, width: ctx.io.options.width }));
  for (const line of openMatches(data)) ctx.io.out(line);
}
