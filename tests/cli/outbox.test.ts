import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../db/schema";
import { replyToTicket } from "../../lib/tickets/reply";
import { json, postdesk } from "../setup/cli";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

const db = await testDatabase();
let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink?.stop());

describe("postdesk send and outbox", () => {
  it("sends what is due, lists the outbox, and an error cleared with `outbox clear` goes out on the next send", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("cli-support@acme.test", { smtpHost: "127.0.0.1", smtpPort: String(sink.port), smtpSecurity: "none" });
    for (const subject of ["One", "Two"]) await desk.receive(mail({ subject }));
    for (const number of [1, 2]) {
      const ticket = await desk.ticket(number);
      await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: `Reply ${number}` }));
    }
    sink.setResponder((message) => (message.raw.toString().includes("Reply 2") ? { code: 550, message: "Mailbox unavailable" } : undefined));
    const slug = desk.company.tenant.slug;
    const first = await postdesk(["send", "--tenant", slug, "--json"]);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 1, failed: 1, retried: 0 });
    expect(first.stderr).toContain("outbox list");

    const listed = json(await postdesk(["outbox", "list", "--division", desk.divisionId, "--status", "error", "--json"]));
    expect(listed.counts).toMatchObject({ sent: 1, error: 1, ready: 0, sending: 0 });
    expect(listed.mails).toHaveLength(1);
    expect(listed.mails[0]).toMatchObject({ lastErrorCode: "rejected", subject: "Re: [ACME#2] Two" });

    sink.setResponder(null);
    const human = await postdesk(["outbox", "clear", "--division", desk.divisionId]);
    expect(human).toMatchObject({ code: 0, stdout: "1 mail is ready to send again.\n" });
    expect(json(await postdesk(["send", "--tenant", slug, "--json"]))).toMatchObject({ sent: 1, failed: 0 });
    const statuses = await desk.tx((tx) => tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.divisionId, desk.divisionId)));
    expect(statuses.map((s) => s.status)).toEqual(["sent", "sent"]);
  });

  it("refuses a malformed mail id and an unknown division", async () => {
    const bad = await postdesk(["outbox", "reset", "--division", "00000000-0000-4000-8000-000000000000", "--id", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--id");
    const missing = await postdesk(["outbox", "reset", "--division", "00000000-0000-4000-8000-000000000000"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("division not found");
  });
});
