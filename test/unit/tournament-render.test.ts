// Snapshots of the terminal bracket (tree and narrow fallback) and the round-robin table, from views built by hand.
import assert from 'node:assert/strict';
import { gameSettingsSchema } from '../../api/contract/game.ts';
import {
  tournamentSchema,
  type TournamentMatchView,
  type TournamentView,
} from '../../api/contract/tournaments.ts';
import { planBracket, roundName } from '../../api/domain/tournaments/bracket.ts';
import { renderBracketTree, renderRoundsList, renderTournament } from '../../cli/render/bracket.ts';
import { matchSnapshot } from '../support/snapshots.ts';

const matchBracket = (name: string, text: string) => matchSnapshot('tournament-render', name, text);

const names = ['Maverick', 'Iceman', 'Goose', 'Viper', 'Jester', 'Hollywood', 'Wolfman', 'Slider'];
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entrant = (seed: number) => ({ username: `user${seed}`, alias: names[seed - 1]!, seed });

function baseView(format: TournamentView['format'], players: number): TournamentView {
  return {
    id: uuid(0),
    name: 'Top Gun Cup',
    format,
    state: 'running',
    capacity: 8,
    players,
    createdBy: 'user1',
    currentRound: 1,
    roundsTotal: 0,
    winner: null,
    registrationClosesAt: null,
    startsAt: null,
    createdAt: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:05:00.000Z',
    finishedAt: null,
    settings: gameSettingsSchema.parse({}),
    entrants: Array.from({ length: players }, (_, i) => ({
      ...entrant(i + 1),
      rating: 1600 - i * 10,
      status: 'active' as const,
      registeredAt: '2026-11-21T10:00:00.000Z',
    })),
    rounds: [],
    standings: [],
  };
}

function match(
  round: number,
  position: number,
  a: number | null,
  b: number | null,
  result?: { winner: number; score?: [number, number]; forfeit?: 'a' | 'b'; reason?: string },
): TournamentMatchView {
  return {
    id: uuid(round * 100 + position),
    round,
    position,
    state: result ? 'finished' : a && b ? 'ready' : 'waiting',
    a: a ? entrant(a) : null,
    b: b ? entrant(b) : null,
    gameId: null,
    winner: result ? `user${result.winner}` : null,
    score: result?.score ?? null,
    reason: result?.reason ?? (result ? 'points' : null),
    forfeit: result?.forfeit ?? null,
    joinBy: null,
    finishedAt: null,
  };
}

/** Six players: byes for 1 and 2, round 1 played, a semi-final decided by forfeit, the other open. */
function sixPlayers(): TournamentView {
  const v = baseView('single_elimination', 6);
  const plan = planBracket(6);
  v.roundsTotal = plan.rounds;
  v.currentRound = 2;
  const r1 = [
    match(1, 0, 1, null, { winner: 1, reason: 'bye' }),
    match(1, 1, 4, 5, { winner: 5, score: [1, 3] }),
    match(1, 2, 2, null, { winner: 2, reason: 'bye' }),
    match(1, 3, 3, 6, { winner: 3, score: [3, 2] }),
  ];
  const r2 = [
    match(2, 0, 1, 5, { winner: 1, forfeit: 'b', reason: 'join_timeout' }),
    match(2, 1, 2, 3),
  ];
  const r3 = [match(3, 0, 1, null)];
  v.rounds = [r1, r2, r3].map((matches, i) => ({
    number: i + 1,
    name: roundName(3, i + 1),
    state: i === 0 ? 'finished' : i === 1 ? 'running' : 'pending',
    startedAt: null,
    finishedAt: null,
    matches,
  }));
  return tournamentSchema.parse(v);
}

function fourFinished(): TournamentView {
  const v = baseView('single_elimination', 4);
  v.roundsTotal = 2;
  v.currentRound = 2;
  v.state = 'finished';
  v.winner = { username: 'user2', alias: 'Iceman' };
  const r1 = [
    match(1, 0, 1, 4, { winner: 1, score: [3, 0] }),
    match(1, 1, 2, 3, { winner: 2, reason: 'override: Goose left' }),
  ];
  const r2 = [match(2, 0, 1, 2, { winner: 2, score: [2, 3] })];
  v.rounds = [r1, r2].map((matches, i) => ({
    number: i + 1,
    name: roundName(2, i + 1),
    state: 'finished',
    startedAt: null,
    finishedAt: null,
    matches,
  }));
  return tournamentSchema.parse(v);
}

function roundRobin(): TournamentView {
  const v = baseView('round_robin', 4);
  v.roundsTotal = 3;
  v.currentRound = 3;
  const r = [
    [
      match(1, 0, 1, 4, { winner: 1, score: [3, 1] }),
      match(1, 1, 2, 3, { winner: 3, score: [2, 3] }),
    ],
    [
      match(2, 0, 3, 1, { winner: 1, score: [0, 3] }),
      match(2, 1, 4, 2, { winner: 2, score: [1, 3], forfeit: undefined }),
    ],
    [match(3, 0, 1, 2), match(3, 1, 3, 4)],
  ];
  v.rounds = r.map((matches, i) => ({
    number: i + 1,
    name: `Round ${i + 1}`,
    state: i < 2 ? 'finished' : 'running',
    startedAt: null,
    finishedAt: null,
    matches,
  }));
  const row = (seed: number, rank: number, w: number, l: number, pf: number, pa: number) => ({
    rank,
    username: `user${seed}`,
    alias: names[seed - 1]!,
    seed,
    played: w + l,
    wins: w,
    losses: l,
    draws: 0,
    points: 2 * w,
    pointsFor: pf,
    pointsAgainst: pa,
    forfeits: 0,
    eliminatedRound: null,
  });
  v.standings = [
    row(1, 1, 2, 0, 6, 1),
    row(2, 2, 1, 1, 5, 4),
    row(3, 3, 1, 1, 3, 5),
    row(4, 4, 0, 2, 2, 6),
  ];
  return tournamentSchema.parse(v);
}

describe('tournament rendering', () => {
  it('draws a bracket with byes, scores, a forfeit and an open semi-final', () => {
    const text = renderBracketTree(sixPlayers(), { color: false })!;
    matchBracket('six-players-tree', text);
    assert.match(text, /Quarter-finals\s+Semi-finals\s+Final\s+Champion/);
    assert.match(text, /\(bye\)/);
    assert.match(text, / ff/);
  });

  it('draws a finished bracket with its champion, an override marked W/L', () => {
    const text = renderBracketTree(fourFinished(), { color: false })!;
    matchBracket('four-finished-tree', text);
    assert.match(text, /★ Iceman/);
  });

  it('names the winner of a match decided by an override in the rounds list', () => {
    const text = renderRoundsList(fourFinished(), { color: false });
    assert.match(text, /\[override: Goose left; Iceman wins\]/);
  });

  it('colours winners bold and losers dim only when asked', () => {
    const coloured = renderBracketTree(fourFinished(), { color: true })!;
    const esc = String.fromCharCode(27);
    assert.ok(coloured.includes(`${esc}[1m`), 'bold winners');
    assert.ok(coloured.includes(`${esc}[2m`), 'dim losers');
    assert.equal(
      coloured.replace(new RegExp(`${esc}\\[\\d+m`, 'g'), ''),
      renderBracketTree(fourFinished(), { color: false }),
    );
  });

  it('falls back to rounds as lists when the tree is wider than the terminal', () => {
    assert.equal(renderBracketTree(sixPlayers(), { color: false, width: 40 }), null);
    const text = renderTournament(sixPlayers(), { color: false, width: 40 });
    matchBracket('six-players-narrow', text);
    assert.match(text, /Semi-finals \(current\)/);
  });

  it('prints the round-robin table and schedule', () => {
    const text = renderTournament(roundRobin(), { color: false });
    matchBracket('round-robin', text);
    assert.match(text.split('\n')[1]!, /^1\s+Maverick\s+user1\s+2\s+2\s+0\s+0\s+4\s+6:1$/);
  });

  it('lists the registered players before the start', () => {
    const v = baseView('single_elimination', 2);
    v.state = 'registration';
    assert.equal(
      renderTournament(tournamentSchema.parse(v), { color: false }),
      'Registered (2/8):\n  Maverick (user1)\n  Iceman (user2)',
    );
  });
});
