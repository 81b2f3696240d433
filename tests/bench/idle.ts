import crypto from "node:crypto";
import fs from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { outboundDesk } from "../setup/outbound-desk";
import { lmtpTransport } from "./latency";
import { type Figure, note, percentile, progress } from "./report";
import { type Measurement, processUsage, select, ticketExists, waitFor } from "./stack";
import { spawnWorker, type WorkerProcess } from "./worker-process";

const SIZES = (process.env.BENCH_IDLE_SIZES ?? "250,500,1000").split(",").map(Number);
/** A round of polls not finished by then is extrapolated from the share done. */
const ROUND_CAP_MS = 45_000;
/** How long the worker's CPU time is watched while it only holds IDLE. */
const CPU_WINDOW_MS = 20_000;
/** The worker's options while it takes mailboxes into IDLE: only to get there sooner. */
const RAMP_ARGS = ["--concurrency", "16", "--tick-ms", "200"];
const LATENCY_MAILS = 20;
const PASSWORD = "idle-pw";

export const idle: Measurement = {
  name: "idle",
  summary: `${SIZES.join(", ")} mailboxes, no new mail: a full round of polls, cold and held in IDLE; CPU and memory of a worker holding them`,
  async run(bench) {
    const { db, url } = await bench.database();
    const dovecot = await bench.dovecot();
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const most = Math.max(...SIZES);
    raiseInotifyLimit(bench, most + 100);

    const users = progress("Dovecot users", most);
    for (let i = 0; i < most; i++) {
      await dovecot.addUser(user(i), PASSWORD);
      users.increment();
    }
    users.stop();
    // Plain IMAP on loopback: over TLS each connection keeps a Dovecot login process as its proxy,
    // and the test Dovecot allows 100 of those (default_process_limit).
    const template = await desk.addMailbox(user(0), {
      host: dovecot.host,
      port: String(dovecot.ports.imap),
      security: "none",
      username: user(0),
      password: PASSWORD,
      processedFolder: "Processed",
    });
    await copyMailbox(db, template.id, most);

    const figures: Figure[] = [];
    const rss = new Map<number, { mb: number; held: number }>();
    for (const size of SIZES) {
      await activate(db, desk.divisionId, size);
      figures.push(await pollRound(url, size));

      await activate(db, desk.divisionId, size);
      const worker = spawnWorker(url, ["--max-idle", String(size), ...RAMP_ARGS]);
      bench.defer(() => worker.stop());
      const held = await holdIdle(worker, size);
      await delay(5_000);
      const before = processUsage(worker.pid);
      await delay(CPU_WINDOW_MS);
      const after = processUsage(worker.pid);
      rss.set(size, { mb: after.rssMB, held: held.size });
      figures.push(await heldRound(db, worker, desk.divisionId, held, size));
      figures.push(
        {
          measurement: "idle",
          name: `${size}: worker CPU holding IDLE`,
          value: ((after.cpuSeconds - before.cpuSeconds) / CPU_WINDOW_MS) * 60_000,
          unit: "s/min",
          note: `${held.size} connections held`,
        },
        { measurement: "idle", name: `${size}: worker RSS holding IDLE`, value: after.rssMB, unit: "MB", note: `${held.size} connections held` },
      );
      if (size === most) figures.push(...(await latencyAmong(db, dovecot, worker, desk.divisionId, [...held.keys()], bench)));
      await worker.stop();
    }
    const [fewest, largest] = [rss.get(Math.min(...SIZES))!, rss.get(most)!];
    if (largest.held > fewest.held) {
      figures.push({
        measurement: "idle",
        name: "RSS per IDLE connection",
        value: ((largest.mb - fewest.mb) / (largest.held - fewest.held)) * 1024,
        unit: "KB",
        note: `worker RSS at ${largest.held} connections minus at ${fewest.held}, per connection`,
      });
    }
    return figures;
  },
};

const user = (i: number) => `idle-${i}@bench.test`;

const INOTIFY_INSTANCES = "/proc/sys/fs/inotify/max_user_instances";

/**
 * Dovecot watches each folder held in IDLE with an inotify instance of the user its mail runs as.
 * Every bench user is the one Unix user `mail`, and Linux allows 128 instances per user by default:
 * past that Dovecot stops watching and looks every 30 s (mailbox_idle_check_interval), which would
 * be measured as our latency. A server with a thousand IDLE clients raises the limit; so does this
 * (as root), and puts it back afterwards.
 */
function raiseInotifyLimit(bench: Parameters<Measurement["run"]>[0], wanted: number) {
  try {
    const before = Number(fs.readFileSync(INOTIFY_INSTANCES, "utf8"));
    if (before >= wanted) return;
    fs.writeFileSync(INOTIFY_INSTANCES, String(wanted));
    bench.defer(() => fs.writeFileSync(INOTIFY_INSTANCES, String(before)));
    note(`fs.inotify.max_user_instances raised from ${before} to ${wanted} for Dovecot's IDLE (put back after)`);
  } catch (error) {
    note(`cannot raise ${INOTIFY_INSTANCES} (${(error as Error).message}): past 128 IDLE connections Dovecot looks for new mail only every 30 s, and the latency with many held shows it`);
  }
}

/** `count - 1` copies of the template mailbox, for users idle-1 … : one set-based INSERT. */
async function copyMailbox(db: Database, templateId: string, count: number) {
  const varying = ["id", "name", "address", "username"];
  const columns = (
    await select<{ name: string }>(
      db,
      sql`select column_name as name from information_schema.columns where table_name = 'mailboxes' and table_schema = current_schema() order by ordinal_position`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !varying.includes(name));
  const list = sql.raw(columns.map((name) => `"${name}"`).join(", "));
  await db.execute(sql`
    insert into mailboxes (${list}, name, address, username)
    select ${list}, 'idle-' || g, 'idle-' || g || '@bench.test', 'idle-' || g || '@bench.test'
    from mailboxes, generate_series(1, ${count - 1}) g
    where id = ${templateId}`);
}

/** Mailboxes idle-0 … idle-(size-1) active and due at once; the rest off; no leases. */
async function activate(db: Database, divisionId: string, size: number) {
  await db.execute(sql`
    update mailboxes
    set active = split_part(split_part(address, '@', 1), '-', 2)::int < ${size},
        next_poll_at = null, lease_owner = null, lease_expires_at = null, idle_since = null
    where division_id = ${divisionId}`);
}

/** The worker as `postdesk worker --max-idle 0` runs it (default ticks and concurrency): every mailbox polled once. */
async function pollRound(url: string, size: number): Promise<Figure> {
  const worker = spawnWorker(url, ["--max-idle", "0"]);
  try {
    const polled = new Set<string>();
    let failed = 0;
    worker.onEvent((event) => {
      if (event.type !== "poll" || !event.mailboxId) return;
      polled.add(event.mailboxId);
      if (!event.ok) failed++;
    });
    await worker.ready;
    const started = Date.now();
    const bar = progress(`${size}: one round of polls`, size);
    await waitFor(() => {
      bar.update(polled.size);
      return polled.size >= size;
    }, ROUND_CAP_MS, 200);
    bar.stop();
    const elapsed = (Date.now() - started) / 1000;
    const done = polled.size >= size;
    return {
      measurement: "idle",
      name: `${size}: full round, cold (--max-idle 0)`,
      value: done ? elapsed : (elapsed * size) / Math.max(1, polled.size),
      unit: "s",
      note: `${done ? "" : `extrapolated: ${polled.size} polled in ${ROUND_CAP_MS / 1000} s; `}${failed} failed; every poll logs in: a worker's first round`,
    };
  } finally {
    await worker.stop();
  }
}

/**
 * A full round of a worker holding the mailboxes in IDLE: every one made due at once, as their
 * schedule does each interval; each is polled over its IDLE connection.
 */
async function heldRound(db: Database, worker: WorkerProcess, divisionId: string, held: Set<string>, size: number): Promise<Figure> {
  const polled = new Set<string>();
  let failed = 0;
  let counting = false;
  worker.onEvent((event) => {
    if (!counting || event.type !== "poll" || !event.mailboxId || !held.has(event.mailboxId)) return;
    polled.add(event.mailboxId);
    if (!event.ok) failed++;
  });
  const bar = progress(`${size}: one round of polls, held in IDLE`, held.size);
  counting = true;
  const started = Date.now();
  await db.execute(sql`update mailboxes set next_poll_at = now() where division_id = ${divisionId} and active`);
  await waitFor(() => {
    bar.update(polled.size);
    return polled.size >= held.size;
  }, ROUND_CAP_MS, 100);
  bar.stop();
  const elapsed = (Date.now() - started) / 1000;
  const done = polled.size >= held.size;
  return {
    measurement: "idle",
    name: `${size}: full round, held in IDLE`,
    value: done ? elapsed : (elapsed * held.size) / Math.max(1, polled.size),
    unit: "s",
    ...(size === 1000 ? { target: { op: "<=" as const, value: 15 } } : {}),
    note: `${done ? "" : `extrapolated: ${polled.size} polled in ${ROUND_CAP_MS / 1000} s; `}${held.size} held, each polled over its IDLE connection; ${failed} failed`,
  };
}

/** Waits until the worker holds `size` mailboxes in IDLE (or 3 minutes pass); the mailboxes held. */
async function holdIdle(worker: WorkerProcess, size: number): Promise<Set<string>> {
  const held = new Set<string>();
  worker.onEvent((event) => {
    if (event.type !== "idle" || !event.mailboxId) return;
    if (event.on) held.add(event.mailboxId);
    else held.delete(event.mailboxId);
  });
  await worker.ready;
  const bar = progress(`${size}: taking mailboxes into IDLE`, size);
  const all = await waitFor(() => {
    bar.update(held.size);
    return held.size >= size;
  }, 180_000, 200);
  bar.stop();
  if (!all) note(`only ${held.size} of ${size} mailboxes in IDLE after 3 minutes`);
  return held;
}

/**
 * The latency figures with this many mailboxes held: a few mails to mailboxes picked at random,
 * delivery → ticket, and the part of it after Dovecot announced the mail on the IDLE connection
 * (the worker's `announced` event): the rest is Dovecot's own notification delay.
 */
async function latencyAmong(
  db: Database,
  dovecot: Parameters<typeof lmtpTransport>[0],
  worker: WorkerProcess,
  divisionId: string,
  heldIds: string[],
  bench: Parameters<Measurement["run"]>[0],
): Promise<Figure[]> {
  const addresses = await select<{ id: string; address: string }>(
    db,
    sql`select id, address from mailboxes where id in (${sql.join(heldIds.map((id) => sql`${id}::uuid`), sql`, `)})`,
  );
  const announcedAt = new Map<string, number>();
  worker.onEvent((event) => {
    if (event.type === "announced" && event.mailboxId && event.at) announcedAt.set(event.mailboxId, event.at);
  });
  const lmtp = lmtpTransport(dovecot);
  bench.defer(() => lmtp.close());
  const run = crypto.randomBytes(3).toString("hex");
  const samples: number[] = [];
  const afterAnnouncement: number[] = [];
  const bar = progress(`${heldIds.length} held: delivery → ticket`, LATENCY_MAILS);
  for (let i = 0; i < LATENCY_MAILS; i++) {
    const to = addresses[crypto.randomInt(addresses.length)]!;
    const subject = `Among many ${run} ${i}`;
    announcedAt.delete(to.id);
    await lmtp.sendMail({ from: "jan@customer.test", to: to.address, subject, text: "Hello." });
    const accepted = Date.now();
    const found = await waitFor(() => ticketExists(db, divisionId, subject), 90_000, 5);
    const ticketAt = Date.now();
    samples.push(found ? ticketAt - accepted : 90_000);
    const announced = announcedAt.get(to.id);
    if (found && announced !== undefined) afterAnnouncement.push(ticketAt - announced);
    bar.increment();
  }
  bar.stop();
  const name = `latency, ${heldIds.length} held`;
  return [
    { measurement: "idle", name: `${name}, p50`, value: percentile(samples, 0.5) / 1000, unit: "s", target: { op: "<=", value: 0.3 } },
    { measurement: "idle", name: `${name}, p99`, value: percentile(samples, 0.99) / 1000, unit: "s", target: { op: "<=", value: 1 }, note: `${LATENCY_MAILS} mails` },
    {
      measurement: "idle",
      name: `${name}: announced → ticket, p50`,
      value: afterAnnouncement.length > 0 ? percentile(afterAnnouncement, 0.5) / 1000 : Number.NaN,
      unit: "s",
      note: `${afterAnnouncement.length} mails announced over IDLE; delivery → announcement is Dovecot's notification delay`,
    },
    {
      measurement: "idle",
      name: `${name}: announced → ticket, p99`,
      value: afterAnnouncement.length > 0 ? percentile(afterAnnouncement, 0.99) / 1000 : Number.NaN,
      unit: "s",
    },
  ];
}
