import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, divisions, mailboxes, teams } from "../../db/schema";
import { RuleError } from "../../lib/errors";
import { listMailboxes } from "../../lib/mailboxes/mailboxes";
import { removalImpact, removeMailbox, setDefaultMailbox } from "../../lib/mailboxes/removal";
import { divisionSender } from "../../lib/outbox/sender";
import { createTeam } from "../../lib/teams/teams";
import { testDatabase } from "../setup/db";
import { outboundDesk } from "../setup/outbound-desk";

const db = await testDatabase();

async function deskWithTwo() {
  const desk = await outboundDesk(db);
  const first = await desk.addMailbox("first@acme.test");
  const second = await desk.addMailbox("second@acme.test");
  const defaults = () =>
    desk.tx(async (t) =>
      (
        await t
          .select({ address: mailboxes.address })
          .from(mailboxes)
          .where(and(eq(mailboxes.divisionId, desk.divisionId), eq(mailboxes.isDefault, true)))
      ).map((row) => row.address),
    );
  return { ...desk, first, second, defaults };
}

describe("the division's default account", () => {
  it("is the first mailbox until 'Set as default' makes another one the default, in one step", async () => {
    const desk = await deskWithTwo();
    expect(await desk.defaults()).toEqual(["first@acme.test"]);

    await desk.tx((t) => setDefaultMailbox(t, desk.ownerScope, desk.second.id));
    expect(await desk.defaults()).toEqual(["second@acme.test"]);
    expect((await desk.tx((t) => divisionSender(t, desk.scope, desk.divisionId)))?.address).toBe("second@acme.test");

    // Back again: still one default, whatever the order.
    await desk.tx((t) => setDefaultMailbox(t, desk.ownerScope, desk.first.id));
    expect(await desk.defaults()).toEqual(["first@acme.test"]);
    const logged = await desk.tx((t) =>
      t.select().from(auditLog).where(and(eq(auditLog.tenantId, desk.tenantId), eq(auditLog.action, "mailbox.defaultSet"))),
    );
    expect(logged).toHaveLength(2);
  });

  it("is refused to agents and to an inactive mailbox", async () => {
    const desk = await deskWithTwo();
    const agent = { ...desk.ownerScope, role: "agent" as const };
    await expect(desk.tx((t) => setDefaultMailbox(t, agent, desk.second.id))).rejects.toThrow("forbidden");
    await desk.tx((t) => t.update(mailboxes).set({ active: false }).where(eq(mailboxes.id, desk.second.id)));
    await expect(desk.tx((t) => setDefaultMailbox(t, desk.ownerScope, desk.second.id))).rejects.toThrow(RuleError);
    expect(await desk.defaults()).toEqual(["first@acme.test"]);
  });

  it("is never an inactive mailbox when the division's mail picks its sender", async () => {
    const desk = await deskWithTwo();
    await desk.tx((t) => t.update(mailboxes).set({ active: false }).where(eq(mailboxes.id, desk.first.id)));
    expect((await desk.tx((t) => divisionSender(t, desk.scope, desk.divisionId)))?.address).toBe("second@acme.test");
  });
});

describe("removing a mailbox", () => {
  it("clears the default, the teams and mass mail that sent from it, and hides it from the lists", async () => {
    const desk = await deskWithTwo();
    const team = await desk.tx((t) =>
      createTeam(t, desk.ownerScope, { divisionId: desk.divisionId, name: "Billing", outboundMailboxId: desk.first.id }),
    );
    await desk.tx((t) =>
      t.update(divisions).set({ massMailFromMailboxId: desk.first.id }).where(eq(divisions.id, desk.divisionId)),
    );
    expect(await desk.tx((t) => removalImpact(t, desk.ownerScope, desk.first.id))).toEqual({
      tickets: 0,
      isDefault: true,
      teams: ["Billing"],
    });

    await desk.tx((t) => removeMailbox(t, desk.ownerScope, { mailboxId: desk.first.id, now: new Date() }));

    expect(await desk.defaults()).toEqual([]);
    const [teamRow] = await desk.tx((t) => t.select().from(teams).where(eq(teams.id, team.id)));
    expect(teamRow!.outboundMailboxId).toBeNull();
    const [division] = await desk.tx((t) => t.select().from(divisions).where(eq(divisions.id, desk.divisionId)));
    expect(division!.massMailFromMailboxId).toBeNull();
    expect((await desk.tx((t) => listMailboxes(t, desk.scope, desk.divisionId))).map((m) => m.address)).toEqual([
      "second@acme.test",
    ]);
    expect(
      (await desk.tx((t) => listMailboxes(t, desk.scope, desk.divisionId, { includeRemoved: true }))).map((m) => m.address),
    ).toEqual(["first@acme.test", "second@acme.test"]);
    expect((await desk.tx((t) => divisionSender(t, desk.scope, desk.divisionId)))?.address).toBe("second@acme.test");
    // Once removed, it can be neither removed again nor made the default.
    await expect(desk.tx((t) => setDefaultMailbox(t, desk.ownerScope, desk.first.id))).rejects.toThrow("mailboxRemoved");
    await expect(
      desk.tx((t) => removeMailbox(t, desk.ownerScope, { mailboxId: desk.first.id, now: new Date() })),
    ).rejects.toThrow("mailboxRemoved");
  });
});
