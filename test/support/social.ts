/** Social test helpers: make two registered users friends, read a user's notifications. */
import assert from 'node:assert/strict';
import { api, type Registered } from './accounts.ts';

export async function befriend(base: string, a: Registered, b: Registered): Promise<void> {
  const sent = await api(base, 'POST', '/api/v1/friends/requests', {
    token: a.accessToken,
    body: { username: b.username },
  });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  const accepted = await api(base, 'POST', `/api/v1/friends/requests/${a.username}/accept`, {
    token: b.accessToken,
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
}

export async function notificationsOf(
  base: string,
  user: Registered,
  query = '',
): Promise<{ items: any[]; unreadCount: number; nextCursor: string | null }> {
  const res = await api(base, 'GET', `/api/v1/notifications${query}`, { token: user.accessToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return {
    items: res.body.data,
    unreadCount: res.body.meta.unreadCount,
    nextCursor: res.body.meta.nextCursor,
  };
}

/** Usernames (and states) of a friend list page. */
export async function friendList(
  base: string,
  user: Registered,
  state = 'accepted',
): Promise<any[]> {
  const res = await api(base, 'GET', `/api/v1/friends?state=${state}`, { token: user.accessToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data;
}
