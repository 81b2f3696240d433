import { type Database, type DatabaseHandle, openDatabase } from "./client";

const globalForDb = globalThis as unknown as { postdeskDb?: Promise<DatabaseHandle> };

/**
 * The app's one database handle, opened (and migrated) on first use and shared by every request of
 * this process. Kept on globalThis so that dev-mode module reloads do not open PGlite twice.
 */
export async function getDb(): Promise<Database> {
  globalForDb.postdeskDb ??= openDatabase().catch((error: unknown) => {
    globalForDb.postdeskDb = undefined;
    throw error;
  });
  return (await globalForDb.postdeskDb).db;
}
