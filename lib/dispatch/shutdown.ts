import { setTimeout as delay } from "node:timers/promises";
import type { Worker } from "./worker";

/**
 * How long a stopping app waits for its worker. Past it the process goes anyway: its leases are then
 * taken over by the next worker to start (presence.ts), just not given back.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Stops the app's embedded worker before the process ends on SIGTERM or SIGINT. `next start`
 * handles both signals itself: it closes the HTTP server and then calls process.exit(), which,
 * run beside the worker's stop, ended the process before the worker gave its leases back, and the
 * next start waited two minutes for them. So the handlers already registered (Next's, which
 * registers them before it loads instrumentation.ts) are taken off and run once the worker has
 * stopped: mail in hand is finished, IDLE connections are closed and leases given back first, then
 * Next closes the server and exits as it always does. With no such handlers
 * (NEXT_MANUAL_SIG_HANDLE), the process exits here. Repeated signals (Ctrl-C reaches every process
 * of the terminal's group, and scripts/start.mjs passes it on as well) change nothing.
 */
export function stopWorkerOnShutdown(
  worker: Pick<Worker, "stop">,
  input: { graceMs?: number; onError?: (error: unknown) => void } = {},
): void {
  let shuttingDown = false;
  const serverHandlers = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  for (const signal of SIGNALS) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      const stopped = worker.stop().catch((error: unknown) => input.onError?.(error));
      void Promise.race([stopped, delay(input.graceMs ?? SHUTDOWN_GRACE_MS)]).then(() => {
        const handlers = serverHandlers.get(signal)!;
        if (handlers.length === 0) process.exit(0);
        for (const handler of handlers) handler(signal);
      });
    });
  }
}
