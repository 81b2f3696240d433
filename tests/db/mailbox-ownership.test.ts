import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { memberships, users } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision } from "../../lib/divisions/divisions";
import { RuleError } from "../../lib/errors";
import { zodFieldErrors } from "../../lib/forms";
import { createMailbox, updateMailbox } from "../../lib/mailboxes/mailboxes";
import { type MailboxSettingsInput, mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { createTeam } from "../../lib/teams/teams";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const base: Partial<MailboxSettingsInput> = {
  name: "Anna",
  address: "anna@acme.test",
  protocol: "imap",
  host: "imap.acme.test",
  security: "tls",
  username: "anna@acme.test",
  password: "secret",
  active: "on",
};

/** A company with an agent, Anna, a deactivated former colleague, and a team in another division. */
async function company() {
  const made = await makeTenant(db, "Owned");
  const tenantId = made.tenant.id;
  const scope = operatorScope(tenantId);
  const person = async (name: string, deactivated: boolean) => {
    const [user] = await db
      .insert(users)
      .values({ email: `${name}-${crypto.randomBytes(4).toString("hex")}@acme.test`, name, passwordHash: "not-a-real-hash" })
      .returning();
    await withTenant(db, tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId, userId: user!.id, role: "agent", deactivatedAt: deactivated ? new Date() : null }),
    );
    return user!.id;
  };
  const anna = await person("anna", false);
  const former = await person("former", true);
  const { ownTeam, otherTeam } = await withTenant(db, tenantId, async (tx) => {
    const sales = await createDivision(tx, scope, { name: "Sales", tag: "SALES" });
    return {
      ownTeam: await createTeam(tx, scope, { divisionId: made.divisionId, name: "Billing", outboundMailboxId: null }),
      otherTeam: await createTeam(tx, scope, { divisionId: sales.id, name: "Deals", outboundMailboxId: null }),
    };
  });
  const create = (input: Partial<MailboxSettingsInput>) =>
    withTenant(db, tenantId, (tx) => createMailbox(tx, scope, made.divisionId, mailboxSettingsSchema.parse({ ...base, ...input })));
  const refusal = (input: Partial<MailboxSettingsInput>) =>
    create(input).then(
      () => null,
      (error: unknown) => (error instanceof RuleError ? error.fieldErrors : error),
    );
  return { tenantId, scope, anna, former, ownTeam, otherTeam, create, refusal };
}

describe("whose a mailbox is and what its tickets start with", () => {
  it("keeps one owner, the owner as a personal mailbox's assignee (or no one), and tags as tags are stored", async () => {
    const c = await company();
    const personal = await c.create({
      belongsTo: "personal",
      ownerUserId: c.anna,
      teamId: c.ownTeam.id,
      defaultAssigneeId: c.former,
      defaultTags: "Invoice,  waiting   for supplier ,INVOICE,",
      defaultPriority: "urgent",
    });
    expect(personal).toMatchObject({
      ownerUserId: c.anna,
      teamId: null,
      defaultAssigneeId: c.anna,
      defaultTags: ["invoice", "waiting for supplier"],
      defaultPriority: "urgent",
      // The division's first mailbox, yet not its default: everyone's replies would leave from Anna's address.
      isDefault: false,
    });
    const queue = await withTenant(db, c.tenantId, (tx) =>
      updateMailbox(tx, c.scope, personal.id, mailboxSettingsSchema.parse({ ...base, belongsTo: "personal", ownerUserId: c.anna, personalAssignment: "queue" })),
    );
    expect(queue).toMatchObject({ ownerUserId: c.anna, defaultAssigneeId: null });
    const team = await withTenant(db, c.tenantId, (tx) =>
      updateMailbox(tx, c.scope, personal.id, mailboxSettingsSchema.parse({ ...base, belongsTo: "team", teamId: c.ownTeam.id, ownerUserId: c.anna })),
    );
    expect(team).toMatchObject({ ownerUserId: null, teamId: c.ownTeam.id });
  });

  it("refuses, next to the field, a team of another division and an owner or assignee who is no active member", async () => {
    const c = await company();
    expect(await c.refusal({ belongsTo: "team", teamId: c.otherTeam.id })).toEqual({ teamId: ["teamOfThisDivision"] });
    expect(await c.refusal({ belongsTo: "personal", ownerUserId: c.former })).toEqual({ ownerUserId: ["activeMemberOnly"] });
    expect(await c.refusal({ defaultAssigneeId: crypto.randomUUID() })).toEqual({ defaultAssigneeId: ["activeMemberOnly"] });
    // The form's own checks: a choice without its team or owner, and a tag the tag rule refuses.
    const parsed = mailboxSettingsSchema.safeParse({ ...base, belongsTo: "personal", defaultTags: "a,b" + "x".repeat(40) });
    expect(parsed.success).toBe(false);
    expect(zodFieldErrors(parsed.error!)).toEqual({ ownerUserId: ["required"], defaultTags: ["tagTooLong"] });
    const noTeam = mailboxSettingsSchema.safeParse({ ...base, belongsTo: "team" });
    expect(zodFieldErrors(noTeam.error!)).toEqual({ teamId: ["required"] });
  });
});
