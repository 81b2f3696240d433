import type { WorkerEvent } from "@/lib/dispatch/worker";
import { type Command, UsageError } from "./command";

function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${option}: "${value}" is not a whole number`);
  return n;
}

export const worker: Command = {
  words: ["worker"],
  summary: "run the dispatchers in this process until stopped: polling, IMAP IDLE, sending, auto-close",
  description:
    "What `npm start` runs inside the app when no TRIGGER_SECRET_KEY is set, on its own. Several workers\n" +
    "may run against one PostgreSQL: each mailbox is polled by one of them at a time (leases). SIGTERM or\n" +
    "Ctrl-C finishes the mail in hand, closes IDLE connections and gives every lease back. The leases of a\n" +
    "worker that died without stopping (SIGKILL, a crash) are taken over by the next worker at once.",
  options: {
    "max-idle": { value: "N", description: "IMAP IDLE connections held at most (default 1000; 0: poll everything on schedule)" },
    concurrency: {
      value: "N",
      description: "mailboxes polled at the same time; the next due one starts as soon as one ends (default POSTDESK_POLL_CONCURRENCY, else 16)",
    },
    "tick-ms": {
      value: "MS",
      description: "how often leases are renewed and chores run, and the longest sleep while no mailbox is due (default 2000)",
    },
    "lease-ms": { value: "MS", description: "how long a lease lasts unless renewed (default 120000)" },
    events: { description: "print each event (lease taken or given back, poll, IDLE on/off, error) as a JSON line on stdout" },
  },
  async run(values, context) {
    const { MAX_IDLE, pollConcurrency, startWorker } = await import("@/lib/dispatch/worker");
    const maxIdle = positiveInt(values["max-idle"], "max-idle", MAX_IDLE);
    const concurrency = Math.max(1, positiveInt(values.concurrency, "concurrency", pollConcurrency()));
    const tickMs = Math.max(100, positiveInt(values["tick-ms"], "tick-ms", 2_000));
    const leaseMs = Math.max(1_000, positiveInt(values["lease-ms"], "lease-ms", 120_000));
    const db = await context.database();
    const events = values.events !== undefined;
    const started = Date.now();
    let polls = 0;
    const running = startWorker(db, {
      maxIdle,
      concurrency,
      tickMs,
      leaseMs,
      onEvent(event) {
        if (event.type === "poll") polls++;
        if (events) process.stdout.write(`${JSON.stringify(describe(event))}\n`);
        if (event.type === "error") process.stderr.write(`postdesk worker: ${event.where}: ${String(event.error)}\n`);
        if (event.type === "takeover") {
          process.stderr.write(`postdesk worker: took over ${event.mailboxes} mailbox(es) of ${event.owner}, which is gone\n`);
        }
      },
    });
    process.stderr.write(`postdesk worker ${running.id}: running; Ctrl-C or SIGTERM stops it\n`);
    await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve(), { once: true }));
    await running.stop();
    const summary = { worker: running.id, polls, seconds: Math.round((Date.now() - started) / 1000) };
    return { json: summary, human: `Stopped after ${summary.seconds} s and ${polls} polls; every lease given back.` };
  },
};

/** An event as a JSON line: errors as their message, polls as their counts. */
function describe(event: WorkerEvent) {
  if (event.type === "error") return { ...event, error: event.error instanceof Error ? event.error.message : String(event.error) };
  if (event.type === "poll") {
    const { result } = event;
    return {
      type: "poll",
      mailboxId: event.mailboxId,
      at: event.at,
      ok: result.ok,
      ...(result.ok ? { fetched: result.fetched, more: result.more } : { failure: result.failure }),
    };
  }
  return event;
}
