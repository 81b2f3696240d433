/**
 * Opens the database (applying migrations, taking the embedded lock) when the server starts, so the
 * first request does not pay for it and a second process is told at once that the data is in use.
 * Without TRIGGER_SECRET_KEY the dispatchers run here too (lib/dispatch/worker.ts): `npm start` alone
 * polls, holds IMAP IDLE, sends and auto-closes. POSTDESK_WORKER=off leaves that to `postdesk worker`.
 * Before any request: each request's X-Forwarded-For gets the connection's peer appended, the only
 * address sign-in throttling believes (lib/auth/client-address.ts).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.NEXT_PHASE === "phase-production-build") {
    return;
  }
  const { stampClientAddresses } = await import("./lib/auth/client-address");
  stampClientAddresses();
  const { getDb } = await import("./db");
  const db = await getDb();
  // The public address the app was first seen at, for links in mail made before any page is asked
  // for (a server action after a restart, the worker below): lib/app-url.ts.
  const { loadStoredOrigin } = await import("./lib/app-url");
  await loadStoredOrigin(db);
  if (process.env.TRIGGER_SECRET_KEY || process.env.POSTDESK_WORKER === "off") return;
  const { startWorker } = await import("./lib/dispatch/worker");
  const { stopWorkerOnShutdown } = await import("./lib/dispatch/shutdown");
  const worker = startWorker(db, {
    onEvent(event) {
      if (event.type === "error") console.error(`postdesk worker: ${event.where}:`, event.error);
    },
  });
  // Finish the mail in hand and give the leases back before Next closes the server and exits.
  stopWorkerOnShutdown(worker, { onError: (error) => console.error("postdesk worker: stopping:", error) });
}
