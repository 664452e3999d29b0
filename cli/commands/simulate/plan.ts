/**
 * The simulation as data: a pure function of (users, days, matches, seed,
 * now, prefix) → users with registration times, friendships, chat lines,
 * chronologically ordered ranked matches with plausible results (a hidden
 * skill per player, Elo-like win odds, pairing by nearby skill) and a few
 * tournaments. The same arguments give the same plan, byte for byte.
 */

export interface PlanOptions {
  users: number;
  days: number;
  matches: number;
  seed: number;
  /** End of the simulated period (ms); matches and registrations lie before it. */
  now: number;
  prefix: string;
  pointsToWin: number;
}

export interface PlannedUser {
  username: string;
  email: string;
  password: string;
  registeredAt: string;
  skill: number;
}

export interface PlannedMatch {
  left: string;
  right: string;
  score: [number, number];
  ranked: boolean;
  visibility: 'public' | 'private';
  startedAt: string;
  endedAt: string;
  stats: { longestRally: number; averageRally: number; maxBallSpeed: number };
  timeline: { tick: number; score: [number, number] }[];
  queueWaitSec?: [number, number];
}

export interface Plan {
  /** Seeds the tournament results, decided while they are played. */
  seed: number;
  users: PlannedUser[];
  friendships: [string, string][];
  messages: { from: string; to: string; body: string }[];
  matches: PlannedMatch[];
  tournaments: {
    name: string;
    capacity: number;
    format: 'single_elimination' | 'round_robin';
    players: string[];
  }[];
}

const DAY = 86_400_000;

/** mulberry32: small, fast and reproducible. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function planUsers(o: PlanOptions, rand: () => number): PlannedUser[] {
  const start = o.now - o.days * DAY;
  // Sorted uniform times: registrations spread over the period, a few more early on (the launch).
  const times = Array.from(
    { length: o.users },
    () => start + Math.pow(rand(), 1.3) * (o.days * DAY - 3_600_000),
  ).sort((x, y) => x - y);
  return times.map((t, i) => {
    const username = `${o.prefix}${String(i + 1).padStart(4, '0')}`;
    const skill = 1500 + (rand() + rand() + rand() - 1.5) * 400;
    return {
      username,
      email: `${username}@sim.example`,
      password: `sim-${o.seed}-${username}`,
      registeredAt: new Date(Math.floor(t)).toISOString(),
      skill: Math.round(skill),
    };
  });
}

function timeline(
  score: [number, number],
  ticks: number,
  rand: () => number,
): PlannedMatch['timeline'] {
  const points: (0 | 1)[] = [...Array<0>(score[0]).fill(0), ...Array<1>(score[1]).fill(1)];
  // The winner scores the last point.
  const last = score[0] > score[1] ? 0 : 1;
  points.splice(points.indexOf(last), 1);
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [points[i], points[j]] = [points[j]!, points[i]!];
  }
  points.push(last);
  const out: PlannedMatch['timeline'] = [];
  const now: [number, number] = [0, 0];
  points.forEach((side, i) => {
    now[side]++;
    out.push({
      tick: Math.max(
        1,
        Math.floor(((i + 1) / points.length) * ticks) -
          (i === points.length - 1 ? 0 : Math.floor(rand() * 30)),
      ),
      score: [now[0], now[1]],
    });
  });
  return out.map((p, i) => ({
    ...p,
    tick: i === 0 ? p.tick : Math.max(p.tick, out[i - 1]!.tick + 1),
  }));
}

function playMatch(
  a: PlannedUser,
  b: PlannedUser,
  start: number,
  o: PlanOptions,
  rand: () => number,
): PlannedMatch {
  const aWins = rand() < 1 / (1 + Math.pow(10, (b.skill - a.skill) / 400));
  const loser = Math.floor(rand() * o.pointsToWin);
  const score: [number, number] = aWins ? [o.pointsToWin, loser] : [loser, o.pointsToWin];
  const seconds = Math.round((score[0] + score[1]) * (6 + rand() * 10));
  const averageRally = Math.round((2 + rand() * 6 + (a.skill + b.skill - 3000) / 400) * 10) / 10;
  const isPrivate = rand() < 0.05;
  const ranked = !isPrivate && rand() < 0.85;
  return {
    left: a.username,
    right: b.username,
    score,
    ranked,
    visibility: isPrivate ? 'private' : 'public',
    startedAt: new Date(start).toISOString(),
    endedAt: new Date(start + seconds * 1000).toISOString(),
    stats: {
      averageRally: Math.max(1, averageRally),
      longestRally: Math.max(1, Math.round(averageRally * (1.5 + rand() * 2))),
      maxBallSpeed: Math.round(600 + rand() * 600),
    },
    timeline: timeline(score, seconds * 60, rand),
    ...(ranked
      ? {
          queueWaitSec: [
            Math.round(-Math.log(1 - rand()) * 800) / 100,
            Math.round(-Math.log(1 - rand()) * 800) / 100,
          ] as [number, number],
        }
      : {}),
  };
}

/** An opponent near in skill among the players already registered (by index in skill order). */
function opponentFor(
  pool: PlannedUser[],
  me: PlannedUser,
  rand: () => number,
): PlannedUser | undefined {
  const others = pool
    .filter((u) => u !== me)
    .sort((x, y) => Math.abs(x.skill - me.skill) - Math.abs(y.skill - me.skill));
  return others[Math.floor(Math.pow(rand(), 2) * Math.min(others.length, 12))];
}

/** The smallest number of users a plan can have: a match needs two. */
export const minUsers = 2;

function planMatches(users: PlannedUser[], o: PlanOptions, rand: () => number): PlannedMatch[] {
  // Matches start once two players have registered, and end an hour before `now` at the latest.
  const start = Math.max(o.now - o.days * DAY, Date.parse(users[1]!.registeredAt) + 1000);
  const span = Math.max(0, o.now - 3_600_000 - start);
  const starts = Array.from({ length: o.matches }, () => start + rand() * span).sort(
    (x, y) => x - y,
  );
  const lastEnd = new Map<string, number>();
  const out: PlannedMatch[] = [];
  for (const planned of starts) {
    const pool = users.filter((u) => Date.parse(u.registeredAt) < planned);
    if (pool.length < 2) continue;
    const me = pool[Math.floor(rand() * pool.length)]!;
    const other = opponentFor(pool, me, rand)!;
    const at = Math.max(
      planned,
      (lastEnd.get(me.username) ?? 0) + 5_000,
      (lastEnd.get(other.username) ?? 0) + 5_000,
    );
    const match =
      rand() < 0.5
        ? playMatch(me, other, Math.round(at), o, rand)
        : playMatch(other, me, Math.round(at), o, rand);
    const end = Date.parse(match.endedAt);
    if (end > o.now - 60_000) continue;
    lastEnd.set(me.username, end);
    lastEnd.set(other.username, end);
    out.push(match);
  }
  return out;
}

/** At most 30 users take part in the social part (each signs in once: the API rate limits sign-ins per address). */
function planSocial(
  users: PlannedUser[],
  rand: () => number,
): Pick<Plan, 'friendships' | 'messages'> {
  const social = users.slice(0, Math.min(users.length, 30));
  const friendships: [string, string][] = [];
  const seen = new Set<string>();
  for (const u of social) {
    for (let k = 0; k < 2; k++) {
      const v = social[Math.floor(rand() * social.length)]!;
      const key = [u.username, v.username].sort().join(' ');
      if (v === u || seen.has(key)) continue;
      seen.add(key);
      friendships.push([u.username, v.username]);
    }
  }
  const lines = [
    'gg!',
    'rematch?',
    'nice rally',
    'that last point though',
    'ranked later?',
    'see you in the tournament',
  ];
  const messages = friendships
    .slice(0, 40)
    .map(([from, to]) => ({ from, to, body: lines[Math.floor(rand() * lines.length)]! }));
  return { friendships, messages };
}

/**
 * A cup of up to 12 of the first users and, from 8 users on, a league of the
 * next 3 to 6: every tournament has at least two players, whatever the size.
 */
function planTournaments(users: PlannedUser[], prefix: string): Plan['tournaments'] {
  const names = users.slice(0, 30).map((u) => u.username);
  const cupPlayers = names.length >= 8 ? Math.min(12, names.length - 3) : names.length;
  const cup = {
    name: `${prefix} cup`,
    capacity: cupPlayers > 8 ? 16 : 8,
    format: 'single_elimination' as const,
    players: names.slice(0, cupPlayers),
  };
  const leaguePlayers = names.slice(cupPlayers, cupPlayers + 6);
  if (leaguePlayers.length < 2) return [cup];
  return [
    cup,
    { name: `${prefix} league`, capacity: 8, format: 'round_robin', players: leaguePlayers },
  ];
}

export function planSimulation(o: PlanOptions): Plan {
  if (o.users < minUsers) throw new RangeError(`a simulation needs at least ${minUsers} users`);
  const rand = random(o.seed);
  const users = planUsers(o, rand);
  const matches = planMatches(users, o, rand);
  const social = planSocial(users, rand);
  const tournaments = planTournaments(users, o.prefix);
  return { seed: o.seed, users, ...social, matches, tournaments };
}
