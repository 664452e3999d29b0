/** `alerts silence create|list|expire` against Alertmanager's API v2. */
import { AppError } from '../../../api/contract/errors.ts';
import {
  alertmanagerClient,
  parseMatcher,
  type Matcher,
} from '../../../ops/alertmanager/client.ts';
import type { CliContext } from '../../context.ts';
import { parseDuration } from '../../duration.ts';
import { alertmanagerUrl } from './targets.ts';

const show = (m: Matcher) =>
  `${m.name}${m.isEqual === false ? '!' : ''}${m.isRegex ? '=~' : '='}${m.value}`;

export async function create(
  ctx: CliContext,
  opts: {
    alertmanager?: string;
    matcher?: string[];
    duration: string;
    comment?: string;
    author?: string;
  },
): Promise<void> {
  if (!opts.matcher?.length)
    throw new AppError(
      'VALIDATION',
      'at least one --matcher is required, e.g. --matcher alertname=ApiDown',
    );
  if (!opts.comment)
    throw new AppError(
      'VALIDATION',
      '--comment is required: say why, for whoever sees the silence next',
    );
  const matchers = opts.matcher.map(parseMatcher);
  const startsAt = new Date();
  const endsAt = new Date(startsAt.getTime() + parseDuration(opts.duration, '--duration'));
  const createdBy = opts.author ?? ctx.env.USER ?? 'pongctl';
  const id = await alertmanagerClient(alertmanagerUrl(ctx, opts)).createSilence({
    matchers,
    startsAt,
    endsAt,
    createdBy,
    comment: opts.comment,
  });
  if (ctx.io.format !== 'table')
    await ctx.io.print({ id, matchers, startsAt, endsAt, createdBy }, []);
  else ctx.io.out(id);
  ctx.io.success(`silenced ${matchers.map(show).join(' ')} until ${endsAt.toISOString()}`);
}

export async function list(
  ctx: CliContext,
  opts: { alertmanager?: string; all?: boolean },
): Promise<void> {
  const silences = (await alertmanagerClient(alertmanagerUrl(ctx, opts)).silences())
    .filter((s) => opts.all || s.status.state !== 'expired')
    .sort((a, b) => a.endsAt.localeCompare(b.endsAt));
  await ctx.io.print(silences, [
    { header: 'ID', value: (s) => s.id },
    { header: 'STATE', value: (s) => s.status.state },
    { header: 'MATCHERS', value: (s) => s.matchers.map(show).join(' ') },
    { header: 'ENDS', value: (s) => s.endsAt },
    { header: 'BY', value: (s) => s.createdBy },
    { header: 'COMMENT', value: (s) => s.comment },
  ]);
}

export async function expire(
  ctx: CliContext,
  ids: string[],
  opts: { alertmanager?: string },
): Promise<void> {
  const client = alertmanagerClient(alertmanagerUrl(ctx, opts));
  for (const id of ids) {
    await client.expireSilence(id);
    ctx.io.success(`expired ${id}`);
  }
}
