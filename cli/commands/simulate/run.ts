/**
 * Carries out a simulation plan through the API like any client would:
 * users by the admin endpoint (then backdated, audited), friendships and chat
 * lines signed in as some of them, tournaments with registrations, the
 * matches through the audited admin import in batches of 100, in order, and
 * then the tournaments, started and played to the end by their creators.
 * A progress bar goes to stderr on a terminal. A name prefix already in use
 * stops the run before anything is created; a run that fails later says what
 * it had created.
 */
import { AppError } from '../../../api/contract/errors.ts';
import type { ApiClient } from '../../client.ts';
import { clientFor } from '../../client.ts';
import type { CliContext } from '../../context.ts';
import { random, type Plan } from './plan.ts';

interface Progress {
  step(label: string, done: number, total: number): void;
  end(): void;
}

/** What the run has created so far, for the summary and for the report of a failed run. */
interface Created {
  users: string[];
  friendships: number;
  messages: number;
  tournaments: string[];
  matches: number;
}

/** Carriage return, then erase the line: a shorter line leaves nothing of the longer one before it. */
const clearLine = '\r\u001b[2K';

function progressBar(ctx: CliContext): Progress {
  const stderr = ctx.io.options.stderr;
  if (!stderr.isTTY || ctx.io.options.quiet) return { step: () => undefined, end: () => undefined };
  let last = '';
  return {
    step(label, done, total) {
      const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - label.length - 20));
      const filled = Math.round((done / Math.max(1, total)) * width);
      const line = `${label.padEnd(12)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
      if (line !== last) stderr.write(clearLine + line);
      last = line;
    },
    end: () => void (last && stderr.write(clearLine)),
  };
}

/** Stops before anything is created when a planned username is taken (an earlier run with this prefix). */
async function checkPrefixFree(admin: ApiClient, plan: Plan, prefix: string): Promise<void> {
  const first = plan.users[0]!.username;
  try {
    await admin.call('admin.usersGet', { params: { username: first } });
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return;
    throw err;
  }
  throw new AppError(
    'CONFLICT',
    `the prefix ${prefix} is taken (${first} exists, from an earlier run); nothing was created: pass another --prefix`,
  );
}

async function createUsers(
  admin: ApiClient,
  plan: Plan,
  progress: Progress,
  created: Created,
): Promise<void> {
  for (const [i, u] of plan.users.entries()) {
    await admin.call('admin.usersCreate', {
      body: { username: u.username, email: u.email, password: u.password, role: 'player' },
    });
    created.users.push(u.username);
    await admin.call('admin.usersBackdate', {
      params: { username: u.username },
      body: { registeredAt: u.registeredAt },
    });
    progress.step('users', i + 1, plan.users.length);
  }
}

async function signIn(
  ctx: CliContext,
  admin: ApiClient,
  plan: Plan,
  names: Set<string>,
): Promise<Map<string, ApiClient>> {
  const clients = new Map<string, ApiClient>();
  for (const u of plan.users.filter((x) => names.has(x.username))) {
    const session = await admin.call('auth.login', {
      body: { login: u.username, password: u.password },
    });
    clients.set(
      u.username,
      clientFor({
        apiUrl: ctx.apiUrl,
        token: (session.data as { accessToken: string }).accessToken,
      }),
    );
  }
  return clients;
}

async function social(
  clients: Map<string, ApiClient>,
  plan: Plan,
  progress: Progress,
  created: Created,
): Promise<void> {
  let done = 0;
  const total = plan.friendships.length + plan.messages.length;
  for (const [a, b] of plan.friendships) {
    await clients.get(a)!.call('friends.request', { body: { username: b } });
    await clients.get(b)!.call('friends.accept', { params: { username: a } });
    created.friendships++;
    progress.step('friends', ++done, total);
  }
  for (const m of plan.messages) {
    const conversation = await clients
      .get(m.from)!
      .call('chat.directOpen', { body: { username: m.to } });
    await clients.get(m.from)!.call('chat.messagesSend', {
      params: { id: (conversation.data as { id: string }).id },
      body: { body: m.body },
    });
    created.messages++;
    progress.step('chat', ++done, total);
  }
}

/** Creates the planned tournaments and fills them; their ids go to `created.tournaments`. */
async function enterTournaments(
  clients: Map<string, ApiClient>,
  plan: Plan,
  created: Created,
): Promise<string[]> {
  const ids = created.tournaments;
  for (const t of plan.tournaments) {
    const creator = clients.get(t.players[0]!)!;
    const { data } = await creator.call('tournaments.create', {
      body: { name: t.name, capacity: t.capacity, format: t.format },
    });
    const id = data.id;
    ids.push(id);
    for (const name of t.players)
      await clients.get(name)!.call('tournaments.register', {
        params: { id },
        body: { alias: `${name}-${t.format === 'round_robin' ? 'rr' : 'se'}` },
      });
  }
  return ids;
}

/**
 * Starts each tournament (seeded by the ratings the imported matches gave)
 * and plays it to the end, deciding every open match with the same
 * skill-based odds as the imported matches (the admin's audited result
 * override: the creator plays, and no creator decides their own match); the
 * seed makes the winners reproducible.
 */
async function playTournaments(
  admin: ApiClient,
  clients: Map<string, ApiClient>,
  plan: Plan,
  ids: string[],
  progress: Progress,
): Promise<void> {
  const skill = new Map(plan.users.map((u) => [u.username, u.skill]));
  const rand = random(plan.seed);
  const decisions = (t: Plan['tournaments'][number]) =>
    t.format === 'round_robin'
      ? (t.players.length * (t.players.length - 1)) / 2
      : t.players.length - 1;
  const total = plan.tournaments.reduce((sum, t) => sum + decisions(t), 0);
  let decided = 0;
  for (const [i, t] of plan.tournaments.entries()) {
    const creator = clients.get(t.players[0]!)!;
    const params = { id: ids[i]! };
    let view = (await creator.call('tournaments.start', { params })).data;
    // Each pass decides every match that has both players; a bracket of 64 needs at most 63 decisions.
    for (let pass = 0; view.state === 'running' && pass < 2 * t.capacity; pass++) {
      const open = view.rounds
        .flatMap((r) => r.matches)
        .filter(
          (m) => (m.state === 'scheduled' || m.state === 'ready') && m.a?.username && m.b?.username,
        );
      for (const m of open) {
        const [a, b] = [m.a!.username!, m.b!.username!];
        const aWins =
          rand() < 1 / (1 + Math.pow(10, ((skill.get(b) ?? 1500) - (skill.get(a) ?? 1500)) / 400));
        view = (
          await admin.call('tournaments.result', {
            params: { ...params, matchId: m.id },
            body: { winner: aWins ? a : b, reason: 'simulated' },
          })
        ).data;
        progress.step('tournaments', ++decided, total);
      }
    }
  }
}

async function importAll(
  admin: ApiClient,
  plan: Plan,
  progress: Progress,
  created: Created,
): Promise<void> {
  for (let i = 0; i < plan.matches.length; i += 100) {
    const batch = plan.matches.slice(i, i + 100);
    await admin.call('admin.matchesImport', { body: { matches: batch } });
    created.matches += batch.length;
    progress.step('matches', Math.min(i + 100, plan.matches.length), plan.matches.length);
  }
}

function describe(created: Created): string {
  const users = created.users;
  const range =
    users.length > 1 ? ` (${users[0]} to ${users.at(-1)})` : users.length ? ` (${users[0]})` : '';
  const tournaments = created.tournaments.length ? ` (${created.tournaments.join(', ')})` : '';
  return `${users.length} users${range}, ${created.friendships} friendships, ${created.messages} messages, ${created.tournaments.length} tournaments${tournaments}, ${created.matches} matches`;
}

/** Runs the plan as the signed-in admin; resolves with what was created. */
export async function runPlan(ctx: CliContext, admin: ApiClient, plan: Plan, prefix: string) {
  await checkPrefixFree(admin, plan, prefix);
  const progress = progressBar(ctx);
  const created: Created = { users: [], friendships: 0, messages: 0, tournaments: [], matches: 0 };
  try {
    await createUsers(admin, plan, progress, created);
    const names = new Set([
      ...plan.friendships.flat(),
      ...plan.tournaments.flatMap((t) => t.players),
    ]);
    const clients = await signIn(ctx, admin, plan, names);
    await social(clients, plan, progress, created);
    const tournamentIds = await enterTournaments(clients, plan, created);
    await importAll(admin, plan, progress, created);
    await playTournaments(admin, clients, plan, tournamentIds, progress);
  } catch (err) {
    progress.end();
    ctx.io.error(`simulate stopped; it had created ${describe(created)}`);
    throw err;
  }
  progress.end();
  return {
    users: created.users.length,
    friendships: created.friendships,
    messages: created.messages,
    tournaments: created.tournaments.length,
    matches: created.matches,
  };
}
