/**
 * Which database the test run uses: TEST_DATABASE_URL (a PostgreSQL URL) or,
 * when unset, embedded PGlite in memory. `.ci/run` runs the suite once each way.
 */
export const testDatabaseUrl: string = process.env.TEST_DATABASE_URL || 'memory://';
export const onPostgres: boolean = testDatabaseUrl.startsWith('postgres');
