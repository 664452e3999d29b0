/**
 * The accounts area's abuse limits, each a fixed window in a CounterStore
 * (this instance's memory, or Redis shared by every instance). They are cut so
 * that a stranger cannot lock anybody out:
 * - failed sign-ins per (account, IP): the small limit (AUTH_LOGIN_MAX_FAILURES);
 * - failed sign-ins per IP across accounts: a limit a campus NAT of players
 *   making typos never reaches (AUTH_LOGIN_IP_MAX_FAILURES);
 * - failed sign-ins per account across all IPs: past a free allowance, a
 *   growing pause between attempts (at most `maxAccountDelayMs`), never a lock;
 * - 2FA codes per challenge and per account, kept apart from the password's
 *   counters so that entering the password again does not reset them;
 * - current-password checks of a signed-in user (own counter, so a wrong one
 *   never locks the owner out of sign-in); reset requests per address.
 * Every refusal is RATE_LIMITED with `Retry-After`.
 */
import { rateLimitedError as rateLimited } from '../../contract/errors.ts';
import type { CounterStore, WindowCount } from '../../core/counters.ts';

export interface AttemptLimitsOptions {
  /** Failed sign-ins per (account, IP) in a window. */
  pairMaxFailures: number;
  /** Failed sign-ins per IP, whatever the account, in a window. */
  ipMaxFailures: number;
  windowMs: number;
  /** Called when a pair or an IP reaches its limit (the lockout metric). */
  onLockout?: () => void;
}

/** Failures on one account from anywhere before each attempt has to wait. */
export const accountFreeFailures = 10;
/** The longest pause between attempts on one account: a slowdown, not a lockout. */
export const maxAccountDelayMs = 30_000;
/** Wrong 2FA codes one sign-in challenge accepts (it lives 5 minutes). */
export const challengeMaxFailures = 5;
/** Wrong 2FA codes per account in a window, whatever the challenge or route. */
export const secondFactorMaxFailures = 10;
/** Password-reset requests per address per hour, known or not. */
export const resetRequestsPerHour = 3;

/** Pause before the next attempt on an account with `failures` failures in the window. */
export function accountDelayMs(failures: number): number {
  if (failures <= accountFreeFailures) return 0;
  return Math.min(maxAccountDelayMs, 1000 * 2 ** (failures - accountFreeFailures - 1));
}

/** Who signs in: `account` is the user id, or `name:<typed login>` when no user matches. */
export interface Attempt {
  account: string;
  ip: string;
}

const tooManySignIns = 'Too many failed sign-in attempts; try again later';

function refuseAt(window: WindowCount, max: number, message: string): void {
  if (window.count >= max) throw rateLimited(window.retryAfterSec, message);
}

export function attemptLimits(store: CounterStore, options: AttemptLimitsOptions) {
  const { windowMs } = options;
  const pairKey = (a: Attempt) => `login:pair:${a.account}:${a.ip}`;
  const ipKey = (a: Attempt) => `login:ip:${a.ip}`;
  const accountKey = (account: string) => `login:acct:${account}`;
  const waitKey = (account: string) => `login:wait:${account}`;

  /** Throws RATE_LIMITED when `key` already counts `max` events in its window. */
  async function assertUnder(key: string, max: number, message: string): Promise<void> {
    refuseAt(await store.peek(key), max, message);
  }

  const login = {
    async assertAllowed(a: Attempt): Promise<void> {
      // Read together (one round trip to Redis), refused in order: the long locks first.
      const [pair, ip, wait] = await Promise.all([
        store.peek(pairKey(a)),
        store.peek(ipKey(a)),
        store.peek(waitKey(a.account)),
      ]);
      refuseAt(pair, options.pairMaxFailures, tooManySignIns);
      refuseAt(ip, options.ipMaxFailures, tooManySignIns);
      refuseAt(
        wait,
        1,
        'Many failed sign-ins on this account; wait a little before the next attempt',
      );
    },
    async recordFailure(a: Attempt): Promise<void> {
      const [pair, ip, account] = await Promise.all([
        store.hit(pairKey(a), windowMs),
        store.hit(ipKey(a), windowMs),
        store.hit(accountKey(a.account), windowMs),
      ]);
      if (pair.count === options.pairMaxFailures || ip.count === options.ipMaxFailures)
        options.onLockout?.();
      const delay = accountDelayMs(account.count);
      if (delay > 0) await store.hit(waitKey(a.account), delay);
    },
    /** A correct password clears the counter of its (account, IP), and only that one. */
    async recordSuccess(a: Attempt): Promise<void> {
      await store.reset(pairKey(a));
    },
    /** After a password reset through the mailbox: the account-wide slowdown ends. */
    async clearAccount(account: string): Promise<void> {
      await Promise.all([store.reset(accountKey(account)), store.reset(waitKey(account))]);
    },
  };

  const secondFactor = {
    /** `challenge` identifies one sign-in challenge; absent on /me routes. */
    async assertAllowed(userId: string, challenge?: string): Promise<void> {
      if (challenge)
        await assertUnder(
          `mfa:challenge:${challenge}`,
          challengeMaxFailures,
          'Too many wrong codes for this sign-in; sign in again later',
        );
      await assertUnder(
        `mfa:acct:${userId}`,
        secondFactorMaxFailures,
        'Too many wrong codes; try again later',
      );
    },
    async recordFailure(userId: string, challenge?: string): Promise<void> {
      await Promise.all([
        store.hit(`mfa:acct:${userId}`, windowMs),
        challenge ? store.hit(`mfa:challenge:${challenge}`, windowMs) : undefined,
      ]);
    },
    async recordSuccess(userId: string): Promise<void> {
      await store.reset(`mfa:acct:${userId}`);
    },
  };

  /** The current password of a signed-in user (password change, 2FA off): its own counter. */
  const reauth = {
    assertAllowed: (userId: string) =>
      assertUnder(
        `reauth:${userId}`,
        options.pairMaxFailures,
        'Too many wrong passwords; try again later',
      ),
    recordFailure: async (userId: string) => void (await store.hit(`reauth:${userId}`, windowMs)),
  };

  /** Counts a reset request for an address (normalised), known or not; the 4th in an hour is refused. */
  async function resetRequest(address: string): Promise<void> {
    const { count, retryAfterSec } = await store.hit(`reset:${address}`, 3_600_000);
    if (count > resetRequestsPerHour)
      throw rateLimited(retryAfterSec, 'Too many reset requests for this address; try again later');
  }

  return { login, secondFactor, reauth, resetRequest };
}

export type AttemptLimits = ReturnType<typeof attemptLimits>;
