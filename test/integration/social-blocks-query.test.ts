/** The block queries other areas use (chat, games): both directions, each id once. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '../../api/core/db.ts';
import { blockedUserIds, isBlockedEitherWay } from '../../api/domain/social/blocks.ts';
import { testDatabaseUrl } from '../support/env.ts';

async function newUser(db: Db): Promise<string> {
  const id = randomUUID();
  const name = `b${id.slice(0, 12)}`;
  await db('users').insert({ id, username: name, username_key: name, display_name: name });
  return id;
}

describe('social: block queries', () => {
  let db: Db;
  let a: string, b: string, c: string, d: string;
  before(async function () {
    this.timeout(60_000); // PGlite start-up and every migration
    db = createDb({ databaseUrl: testDatabaseUrl, dataDir: '.data-unused' });
    await db.migrate.latest();
    [a, b, c, d] = [await newUser(db), await newUser(db), await newUser(db), await newUser(db)];
    // a blocks b; c blocks a; a and c block each other too (an id must come back once).
    await db('user_blocks').insert([
      { blocker_id: a, blocked_id: b },
      { blocker_id: c, blocked_id: a },
      { blocker_id: a, blocked_id: c },
    ]);
  });
  after(async () => {
    // Leave no users behind: a server started later on an empty table bootstraps the admin.
    await db('users').whereIn('id', [a, b, c, d]).delete();
    await db.destroy();
  });

  it('isBlockedEitherWay sees a block from either side and nothing else', async () => {
    assert.equal(await isBlockedEitherWay(db, a, b), true);
    assert.equal(await isBlockedEitherWay(db, b, a), true);
    assert.equal(await isBlockedEitherWay(db, a, c), true);
    assert.equal(await isBlockedEitherWay(db, b, c), false);
    assert.equal(await isBlockedEitherWay(db, a, d), false);
  });

  it('blockedUserIds lists who I block and who blocks me, each once', async () => {
    assert.deepEqual((await blockedUserIds(db, a)).sort(), [b, c].sort());
    assert.deepEqual(await blockedUserIds(db, b), [a]);
    assert.deepEqual(await blockedUserIds(db, c), [a]);
    assert.deepEqual(await blockedUserIds(db, d), []);
  });

  it('works inside a transaction', async () => {
    await db.transaction(async (trx) => {
      assert.equal(await isBlockedEitherWay(trx, b, a), true);
      assert.deepEqual(await blockedUserIds(trx, d), []);
    });
  });

  it('refuses a self block in the schema', async () => {
    await assert.rejects(
      db('user_blocks').insert({ blocker_id: d, blocked_id: d }),
      /user_blocks_not_self/,
    );
  });
});
