import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { sendOutbox } from "../../lib/outbox/send";
import { replyToTicket } from "../../lib/tickets/reply";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { startSmtpSink } from "../setup/smtp-sink";
import { type Figure, progress } from "./report";
import { type Measurement, select } from "./stack";

const REPLIES = Number(process.env.BENCH_OUTBOUND_REPLIES ?? 1_000);

export const outbound: Measurement = {
  name: "outbound",
  summary: `${REPLIES} queued replies sent to a local SMTP sink by sendOutbox, beside nodemailer alone sending the same`,
  async run(bench) {
    const { db } = await bench.database();
    const sink = await startSmtpSink();
    bench.defer(() => sink.stop());
    const desk = await outboundDesk(db, { sendConfirmations: false });
    const mailbox = await desk.addMailbox("support@acme-bench.test", {
      smtpHost: sink.host,
      smtpPort: String(sink.port),
      smtpSecurity: "none",
      smtpDisplayName: "Acme Support",
    });
    await desk.receive(mail({ subject: "Where is my order?" }));
    const ticket = await desk.ticket(1);
    const { outbox: first } = await desk.tx((tx) =>
      replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "It left our warehouse this morning." }),
    );
    await copyOutboxRow(db, first.id, REPLIES);

    const sending = progress("sendOutbox", REPLIES);
    let started = performance.now();
    const summary = await sendOutbox(db, { onProgress: ({ done }) => sending.update(done) });
    const outboxRate = summary.sent / ((performance.now() - started) / 1000);
    sending.stop();
    if (summary.sent !== REPLIES) throw new Error(`sendOutbox sent ${summary.sent} of ${REPLIES}: ${JSON.stringify(summary)}`);

    // The same messages again, as nodemailer alone sends them over one connection, as lib/mail/smtp.ts does.
    const sent = sink.messages.splice(0);
    const transport = nodemailer.createTransport({ pool: true, maxConnections: 1, host: sink.host, port: sink.port, secure: false, ignoreTLS: true, logger: false });
    const plain = progress("nodemailer alone", sent.length);
    started = performance.now();
    for (const message of sent) {
      await transport.sendMail({ envelope: message.envelope, raw: message.raw });
      plain.increment();
    }
    const nodemailerRate = sent.length / ((performance.now() - started) / 1000);
    plain.stop();
    transport.close();

    return [
      { measurement: "outbound", name: "sendOutbox", value: outboxRate, unit: "mails/s", note: `${REPLIES} replies from ${mailbox.address}` },
      { measurement: "outbound", name: "nodemailer alone", value: nodemailerRate, unit: "mails/s", note: "same messages, same sink, one pooled connection" },
      { measurement: "outbound", name: "sendOutbox ÷ nodemailer", value: outboxRate / nodemailerRate, unit: "×", note: "no target in the issue" },
    ] satisfies Figure[];
  },
};

/** The reply queued `count - 1` more times, each with a Message-ID of its own: one set-based INSERT. */
async function copyOutboxRow(db: Parameters<typeof select>[0], rowId: string, count: number) {
  const columns = (
    await select<{ name: string }>(
      db,
      sql`select column_name as name from information_schema.columns where table_name = 'outbox' and table_schema = current_schema() order by ordinal_position`,
    )
  )
    .map((row) => row.name)
    .filter((name) => !["id", "message_id"].includes(name));
  const list = sql.raw(columns.map((name) => `"${name}"`).join(", "));
  await db.execute(sql`
    insert into outbox (${list}, message_id)
    select ${list}, 'copy' || g || '.' || message_id
    from outbox, generate_series(2, ${count}) g
    where id = ${rowId}`);
}
