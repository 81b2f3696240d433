import { describe, expect, it } from "vitest";
import { withScope } from "../../db/tenant";
import { addNote, replyToTicket } from "../../lib/tickets/reply";
import { getProfile, updateProfile } from "../../lib/users/profile";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";

const db = await testDatabase();

describe("a member's signature", () => {
  it("is saved sanitized with the profile, and goes below their replies in the text and HTML parts, never under a note", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Printer" }));
    const ticket = await desk.ticket(1);
    const me = desk.ownerScope;
    const asMe = <T>(work: Parameters<typeof withScope<T>>[2]) => withScope(db, me, work);

    const saved = await asMe((tx) =>
      updateProfile(tx, me.userId, {
        name: "Anna Kowalska",
        locale: "pl",
        signatureHtml: '<p><b>Anna Kowalska</b><br>Acme</p><script>steal()</script><img src="x" onerror="steal()">',
        signatureText: "Anna Kowalska\nAcme Support",
      }),
    );
    expect(saved.signatureHtml).toBe("<p><b>Anna Kowalska</b><br />Acme</p>");
    expect(await asMe((tx) => getProfile(tx, me.userId))).toEqual(saved);

    const { message, outbox } = await asMe((tx) => replyToTicket(tx, me, { ticketId: ticket.id, text: "Turn it off and on." }));
    expect(outbox.text).toBe("Turn it off and on.\n\n-- \nAnna Kowalska\nAcme Support\n");
    expect(outbox.html).toContain("Turn it off and on.");
    expect(outbox.html).toContain("-- <br>\n<p><b>Anna Kowalska</b><br />Acme</p>");
    expect(outbox.html).not.toContain("steal");
    // The ticket shows what was sent, and the reply alone where it shows the text.
    expect(message).toMatchObject({ text: outbox.text, html: outbox.html, displayText: "Turn it off and on." });

    const note = await asMe((tx) => addNote(tx, me, { ticketId: ticket.id, text: "Old printer." }));
    expect(note).toMatchObject({ text: "Old printer.", html: null });
  });

  it("leaves replies as they were for a member without one, and for the operator", async () => {
    const desk = await outboundDesk(db, { sendConfirmations: false });
    await desk.addMailbox("support@acme.test");
    await desk.receive(mail({ subject: "Scanner" }));
    const ticket = await desk.ticket(1);
    const fromMember = await withScope(db, desk.ownerScope, (tx) =>
      replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "On it." }),
    );
    expect(fromMember.outbox).toMatchObject({ text: "On it.", html: null });
    const fromOperator = await desk.tx((tx) => replyToTicket(tx, desk.scope, { ticketId: ticket.id, text: "Done." }));
    expect(fromOperator.outbox).toMatchObject({ text: "Done.", html: null });
  });
});
