/**
 * A state fingerprint: two 32-bit FNV-1a lanes over every integer of a match
 * state and its config, as 16 hex digits. Equal hashes across runs or machines
 * are how tests and replays show a simulation is bit-identical.
 */
import { type MatchState } from './engine.ts';

const PHASE_CODES = { serve: 0, play: 1, ended: 2 } as const;
const REASON_CODES = { points: 1, time: 2 } as const;

function stateWords(s: MatchState): number[] {
  const c = s.config;
  return [
    s.tick,
    s.rng,
    PHASE_CODES[s.phase],
    s.serveTimer,
    s.receiver,
    s.ballX,
    s.ballY,
    s.ballVX,
    s.ballVY,
    s.ballSpeed,
    s.leftY,
    s.rightY,
    s.leftScore,
    s.rightScore,
    s.rally,
    s.winner === null ? -1 : s.winner,
    s.endReason === null ? 0 : REASON_CODES[s.endReason],
    c.width,
    c.height,
    c.ballHalf,
    c.paddleHalf,
    c.paddleStep,
    c.speedStart,
    c.speedUp,
    c.speedMax,
    c.pointsToWin,
    c.maxTicks,
    c.serveDelayTicks,
    c.serveFirst,
    c.serveReceiver,
    c.serveRandomAngle ? 1 : 0,
  ];
}

/** 16 hex digits identifying the exact state (and the settings it runs under). */
export function stateHash(state: MatchState): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (const word of stateWords(state)) {
    for (let shift = 0; shift < 32; shift += 8) {
      const byte = (word >>> shift) & 0xff;
      a = Math.imul(a ^ byte, 0x01000193);
      b = Math.imul(b ^ byte, 0x5bd1e995) ^ (b >>> 15);
    }
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
