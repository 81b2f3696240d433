/**
 * Opens the database (applying migrations, taking the embedded lock) when the server starts, so the
 * first request does not pay for it and a second process is told at once that the data is in use.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") {
    return;
  }
  const { getDb } = await import("./db");
  await getDb();
}
