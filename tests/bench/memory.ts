import { spawn } from "node:child_process";
import path from "node:path";
import { sql } from "drizzle-orm";
import { dovecotDesk } from "../setup/dovecot-desk";
import { mail, mailWithAttachment } from "../setup/mail-fixtures";
import { type Figure, note, progress } from "./report";
import type { Measurement } from "./stack";

const MAIL_MB = Number(process.env.BENCH_MEMORY_MAIL_MB ?? 30);
const repoRoot = path.resolve(import.meta.dirname, "../..");

export const memory: Measurement = {
  name: "memory",
  summary: `a ${MAIL_MB} MB mail (one large attachment) through the normal poll path: how far the poller's RSS rises`,
  async run(bench) {
    const { db, url } = await bench.database();
    const dovecot = await bench.dovecot();
    const desk = await dovecotDesk(db, dovecot, { settings: { sendConfirmations: false } });
    // Above the default 25 MB limit a mail is set aside unparsed: this one must go the whole way.
    await db.execute(sql`update divisions set max_mail_size_megabytes = ${MAIL_MB + 10} where id = ${desk.divisionId}`);
    const bar = progress("delivering", 2);
    await dovecot.deliver(desk.address, mail({ subject: "A small one first" }));
    bar.increment();
    const { raw: large } = mailWithAttachment(MAIL_MB * 2 ** 20, desk.address);
    await dovecot.deliver(desk.address, large);
    bar.increment();
    bar.stop();

    const child = spawn(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "memory-poll.ts"), url, desk.tenantId, desk.mailbox.id], {
      cwd: repoRoot,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`the polling child exited ${code}:\n${stderr.slice(-2000)}`);
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { baseline: number; sampledPeak: number; kernelPeak: number };
    const [row] = (await db.execute(
      sql`select outcome, size from inbound_emails where mailbox_id = ${desk.mailbox.id} order by size desc limit 1`,
    )) as unknown as { outcome: string; size: number }[];
    note(`the large mail: ${(large.length / 2 ** 20).toFixed(1)} MB, outcome ${row?.outcome ?? "none"}`);
    return [
      {
        measurement: "memory",
        name: `RSS growth, ${MAIL_MB} MB mail`,
        value: result.sampledPeak - result.baseline,
        unit: "MB",
        target: { op: "<=", value: 150 },
        note: `sampled every 10 ms; kernel peak (VmHWM) ${(result.kernelPeak - result.baseline).toFixed(0)} MB over ${result.baseline.toFixed(0)} MB; outcome ${row?.outcome ?? "?"}`,
      },
    ] satisfies Figure[];
  },
};
