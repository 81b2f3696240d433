import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { teams } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { resolveTenantContext } from "../../lib/auth/context";
import {
  divisionSettingsChoices,
  getDivision,
  listDivisions,
  updateDivisionSettings,
} from "../../lib/divisions/divisions";
import { forceDivisionPoll, setDispatcherActive } from "../../lib/dispatch/force";
import { divisionDispatchStatus } from "../../lib/dispatch/status";
import { NotFoundError, RuleError } from "../../lib/errors";
import { createArticle, getArticle, listArticles, updateArticle } from "../../lib/knowledge/articles";
import { createCategory, deleteKnowledgeBase, listCategories, listKnowledgeBases } from "../../lib/knowledge/knowledge-bases";
import { listMassMailings, massMailingProgress, sendMassMail } from "../../lib/mass-mail/mass-mail";
import { listDivisionContacts } from "../../lib/mass-mail/recipients";
import { createInvite, revokeInvite } from "../../lib/members/invites";
import { listMembers, listPendingInvites, removeMember, updateMember } from "../../lib/members/members";
import { defaultTemplates } from "../../lib/templates/defaults";
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  templateFor,
  updateTemplate,
} from "../../lib/templates/templates";
import { getNotificationPreferences, setNotificationPreferences } from "../../lib/users/preferences";
import {
  createTeam,
  deleteTeam,
  getTeam,
  listTeamMembers,
  listTeams,
  setTeamMembers,
  updateTeam,
} from "../../lib/teams/teams";
import { assignTicket } from "../../lib/tickets/assign";
import { moveTicket } from "../../lib/tickets/move";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

/**
 * The first wall: every lib function a page or server action calls keeps to the scope's tenant,
 * however it is handed another tenant's ids. Each case runs twice: in tenant A's transaction as the
 * app does (tenant filters and row-level security), and on the owner connection, where row-level
 * security does not apply, so that the tenant filters are shown to hold on their own.
 *
 * How it was checked that these tests bite: with `eq(divisions.tenantId, scope.tenantId)` deleted
 * from getDivision, the owner-connection runs of "getDivision …" and "updateDivisionSettings …" fail
 * (B's division is found), while the runs inside withTenant still pass: row-level security alone
 * then hides it, which tests/db/row-level-security.test.ts proves for every table.
 */

const db = await testDatabase();

async function twoTenants() {
  const a = await makeFilledTenant(db, "Alpha");
  const b = await makeFilledTenant(db, "Beta");
  return { a, b, bBefore: await snapshotTenant(db, b.tenant.id) };
}

/** The team makeFilledTenant gives a company, read as the owner. */
async function teamIdOf(tenantId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.tenantId, tenantId));
  return team!.id;
}

type Run = <T>(tenantId: string, work: (tx: Transaction) => Promise<T>) => Promise<T>;

const ways: [string, Run][] = [
  ["inside tenant A's transaction", (tenantId, work) => withTenant(db, tenantId, work)],
  ["on the owner connection, by the tenant filters alone", (_tenantId, work) => db.transaction(work)],
];

describe.each(ways)("tenant A's scope handed tenant B's ids, %s", (_name, run) => {
  it("listDivisions lists only A's divisions", async () => {
    const { a, b } = await twoTenants();
    const listed = await run(a.tenant.id, (tx) => listDivisions(tx, a.scope));
    expect(listed.map((d) => d.id).sort()).toEqual([a.divisionId, a.secondDivisionId].sort());
    expect(listed.every((d) => d.tenantId === a.tenant.id)).toBe(true);
    expect(listed.map((d) => d.id)).not.toContain(b.divisionId);
  });

  it("knowledge bases, categories and articles of B are not found, listed or changed", async () => {
    const { a, b, bBefore } = await twoTenants();
    const listed = await run(a.tenant.id, (tx) => listKnowledgeBases(tx, a.scope));
    expect(listed.map((kb) => kb.id)).toEqual([a.knowledgeBaseId]);
    expect(await run(a.tenant.id, (tx) => listArticles(tx, a.scope, { knowledgeBaseId: b.knowledgeBaseId }))).toEqual([]);
    expect(await run(a.tenant.id, (tx) => listCategories(tx, a.scope, b.knowledgeBaseId))).toEqual([]);
    const attempts = [
      () => run(a.tenant.id, (tx) => getArticle(tx, a.scope, b.articleId)),
      () => run(a.tenant.id, (tx) => updateArticle(tx, a.scope, b.articleId, { title: "Pwned", body: "x", locale: "en", state: "draft" })),
      () => run(a.tenant.id, (tx) => createArticle(tx, a.scope, { knowledgeBaseId: b.knowledgeBaseId, title: "In", body: "x", locale: "en", state: "draft" })),
      () => run(a.tenant.id, (tx) => createArticle(tx, a.scope, { knowledgeBaseId: a.knowledgeBaseId, translationOf: b.articleId, title: "T", body: "x", locale: "pl", state: "draft" })),
      () => run(a.tenant.id, (tx) => createCategory(tx, a.scope, b.knowledgeBaseId, { name: "Pwned" })),
      () => run(a.tenant.id, (tx) => deleteKnowledgeBase(tx, a.scope, b.knowledgeBaseId)),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(NotFoundError);
    const intoForeignCategory = run(a.tenant.id, (tx) =>
      createArticle(tx, a.scope, { knowledgeBaseId: a.knowledgeBaseId, categoryId: b.categoryId, title: "C", body: "x", locale: "en", state: "draft" }),
    );
    await expect(intoForeignCategory).rejects.toMatchObject({ fieldErrors: { categoryId: ["invalidChoice"] } });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("getDivision does not find B's division", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(run(a.tenant.id, (tx) => getDivision(tx, a.scope, b.divisionId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("updateDivisionSettings does not find B's division and changes nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const attempt = run(a.tenant.id, (tx) =>
      updateDivisionSettings(tx, a.scope, b.divisionId, { name: "Taken over", tag: "PWNED", sendingEnabled: false }),
    );
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("divisionSettingsChoices for B's division offers none of B's knowledge bases or templates", async () => {
    const { a, b } = await twoTenants();
    const choices = await run(a.tenant.id, (tx) => divisionSettingsChoices(tx, a.scope, b.divisionId));
    expect(choices.unprocessedTemplates).toEqual([]);
    expect(choices.mailboxes).toEqual([]);
    expect(choices.knowledgeBases.map((kb) => kb.id)).toEqual([a.knowledgeBaseId]);
  });

  it("revokeInvite does not find B's invite, which stays", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(run(a.tenant.id, (tx) => revokeInvite(tx, a.scope, b.inviteId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("createInvite for one of B's members makes an invite of A only and does not tell B's members apart", async () => {
    const { a, b, bBefore } = await twoTenants();
    const { invite } = await run(a.tenant.id, (tx) =>
      createInvite(tx, a.scope, { email: b.agent.email, role: "agent" }),
    );
    expect(invite.tenantId).toBe(a.tenant.id);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("listMembers and listPendingInvites show only A's people", async () => {
    const { a, b } = await twoTenants();
    const members = await run(a.tenant.id, (tx) => listMembers(tx, a.scope));
    expect(members.map((m) => m.userId).sort()).toEqual([a.user.id, a.agent.id].sort());
    expect(members.map((m) => m.membershipId)).not.toContain(b.agentMembershipId);
    const invites = await run(a.tenant.id, (tx) => listPendingInvites(tx, a.scope));
    expect(invites.map((i) => i.id)).toEqual([a.inviteId]);
  });

  it("updateMember and removeMember do not find B's member and change nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(
      run(a.tenant.id, (tx) =>
        updateMember(tx, a.scope, {
          membershipId: b.agentMembershipId,
          role: "owner",
          mayPurge: true,
          mayReadOthersMailboxes: true,
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => removeMember(tx, a.scope, b.agentMembershipId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("listTemplates and getTemplate do not show B's templates", async () => {
    const { a, b } = await twoTenants();
    expect(await run(a.tenant.id, (tx) => listTemplates(tx, a.scope, b.divisionId))).toEqual([]);
    await expect(run(a.tenant.id, (tx) => getTemplate(tx, a.scope, b.templateId))).rejects.toBeInstanceOf(NotFoundError);
    // A's own templates are there, so the empty list above is not a broken query.
    expect(await run(a.tenant.id, (tx) => listTemplates(tx, a.scope, a.divisionId))).not.toEqual([]);
  });

  it("createTemplate, updateTemplate and deleteTemplate do not find B's division or template and change nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const text = { name: "Taken over", subject: "Pwned {{ticketNumber}}", body: "Pwned" };
    await expect(
      run(a.tenant.id, (tx) => createTemplate(tx, a.scope, b.divisionId, { kind: "confirmation", locale: "en", ...text })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => updateTemplate(tx, a.scope, b.templateId, text))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(run(a.tenant.id, (tx) => deleteTemplate(tx, a.scope, b.templateId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("templateFor with B's division and chosen template gives the built-in text, never B's", async () => {
    const { a, b } = await twoTenants();
    await withTenant(db, b.tenant.id, (tx) =>
      updateTemplate(tx, operatorScope(b.tenant.id), b.templateId, { name: "B's", subject: "B's secret", body: "B's secret" }),
    );
    const text = await run(a.tenant.id, (tx) =>
      templateFor(tx, a.scope, { divisionId: b.divisionId, kind: "notify_unprocessed", locale: "en", templateId: b.templateId }),
    );
    const builtIn = defaultTemplates.en.notify_unprocessed;
    expect(text).toEqual({ subject: builtIn.subject, body: builtIn.body });
  });

  it("resolveTenantContext gives A's user no context in B, and B's user none in A", async () => {
    const { a, b } = await twoTenants();
    expect(await run(a.tenant.id, (tx) => resolveTenantContext(tx, { userId: a.user.id, signInMethod: "password" }, b.tenant.slug))).toBeNull();
    expect(await run(a.tenant.id, (tx) => resolveTenantContext(tx, { userId: b.user.id, signInMethod: "password" }, a.tenant.slug))).toBeNull();
    // The same call for A's own slug works, so null above is not a broken query.
    const own = await run(a.tenant.id, (tx) => resolveTenantContext(tx, { userId: a.user.id, signInMethod: "password" }, a.tenant.slug));
    expect(own).toMatchObject({ tenant: { id: a.tenant.id }, role: "owner" });
  });

  it("refuses settings of A's division that point at B's member, template or knowledge base", async () => {
    const { a, b, bBefore } = await twoTenants();
    const aBefore = await snapshotTenant(db, a.tenant.id);
    const cases = [
      { unprocessedRecipientIds: [b.agent.id] },
      { unprocessedRecipientIds: [a.user.id, b.user.id] },
      { unprocessedTemplateId: b.templateId },
      { defaultKnowledgeBaseId: b.knowledgeBaseId },
      { defaultSupportKnowledgeBaseId: b.knowledgeBaseId },
      { massMailFromMailboxId: b.mailboxId },
    ];
    for (const patch of cases) {
      const attempt = run(a.tenant.id, (tx) => updateDivisionSettings(tx, a.scope, a.divisionId, patch));
      await expect(attempt, JSON.stringify(patch)).rejects.toBeInstanceOf(RuleError);
      await expect(attempt).rejects.toMatchObject({ fieldErrors: { [Object.keys(patch)[0]!]: ["invalidChoice"] } });
    }
    expect(await snapshotTenant(db, a.tenant.id)).toEqual(aBefore);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("listTeams, getTeam and listTeamMembers do not find B's division or team", async () => {
    const { a, b } = await twoTenants();
    const bTeamId = await teamIdOf(b.tenant.id);
    await expect(run(a.tenant.id, (tx) => listTeams(tx, a.scope, b.divisionId))).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => getTeam(tx, a.scope, bTeamId))).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => listTeamMembers(tx, a.scope, bTeamId))).rejects.toBeInstanceOf(NotFoundError);
    const own = await run(a.tenant.id, (tx) => listTeams(tx, a.scope, a.divisionId));
    expect(own.map((team) => team.tenantId)).toEqual([a.tenant.id]);
  });

  it("createTeam, updateTeam, setTeamMembers and deleteTeam do not find B's division or team and change nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const bTeamId = await teamIdOf(b.tenant.id);
    const attempts: ((tx: Transaction) => Promise<unknown>)[] = [
      (tx) => createTeam(tx, a.scope, { divisionId: b.divisionId, name: "Intruders", outboundMailboxId: null }),
      (tx) => updateTeam(tx, a.scope, { teamId: bTeamId, name: "Taken over", outboundMailboxId: a.mailboxId }),
      (tx) => setTeamMembers(tx, a.scope, { teamId: bTeamId, userIds: [a.user.id] }),
      (tx) => deleteTeam(tx, a.scope, bTeamId),
    ];
    for (const attempt of attempts) {
      await expect(run(a.tenant.id, attempt)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("refuses A's team that would send from B's mailbox or take in B's member", async () => {
    const { a, b, bBefore } = await twoTenants();
    const aTeamId = await teamIdOf(a.tenant.id);
    const aBefore = await snapshotTenant(db, a.tenant.id);
    await expect(
      run(a.tenant.id, (tx) => createTeam(tx, a.scope, { divisionId: a.divisionId, name: "New", outboundMailboxId: b.mailboxId })),
    ).rejects.toMatchObject({ fieldErrors: { outboundMailboxId: ["mailboxNotInDivision"] } });
    await expect(
      run(a.tenant.id, (tx) => updateTeam(tx, a.scope, { teamId: aTeamId, name: "First line", outboundMailboxId: b.mailboxId })),
    ).rejects.toMatchObject({ fieldErrors: { outboundMailboxId: ["mailboxNotInDivision"] } });
    await expect(
      run(a.tenant.id, (tx) => setTeamMembers(tx, a.scope, { teamId: aTeamId, userIds: [b.agent.id] })),
    ).rejects.toMatchObject({ fieldErrors: { memberIds: ["invalidChoice"] } });
    expect(await snapshotTenant(db, a.tenant.id)).toEqual(aBefore);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("moveTicket and assignTicket do not find B's ticket, and A's ticket goes to no division, team or person of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const bTeamId = await teamIdOf(b.tenant.id);
    const aBefore = await snapshotTenant(db, a.tenant.id);
    await expect(
      run(a.tenant.id, (tx) => moveTicket(tx, a.scope, { ticketId: b.ticketId, divisionId: a.divisionId, teamId: null })),
    ).rejects.toMatchObject({ what: "ticket" });
    await expect(
      run(a.tenant.id, (tx) => assignTicket(tx, a.scope, { ticketId: b.ticketId, assigneeId: a.user.id })),
    ).rejects.toMatchObject({ what: "ticket" });
    await expect(
      run(a.tenant.id, (tx) => moveTicket(tx, a.scope, { ticketId: a.ticketId, divisionId: b.divisionId, teamId: null })),
    ).rejects.toMatchObject({ what: "division" });
    await expect(
      run(a.tenant.id, (tx) => moveTicket(tx, a.scope, { ticketId: a.ticketId, divisionId: a.divisionId, teamId: bTeamId })),
    ).rejects.toMatchObject({ fieldErrors: { teamId: ["teamNotInDivision"] } });
    await expect(
      run(a.tenant.id, (tx) => assignTicket(tx, a.scope, { ticketId: a.ticketId, assigneeId: b.agent.id })),
    ).rejects.toMatchObject({ fieldErrors: { assigneeId: ["invalidChoice"] } });
    expect(await snapshotTenant(db, a.tenant.id)).toEqual(aBefore);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("listDivisionContacts and listMassMailings do not find B's division, and A's lists hold none of B's", async () => {
    const { a, b } = await twoTenants();
    await expect(
      run(a.tenant.id, (tx) => listDivisionContacts(tx, a.scope, { divisionId: b.divisionId })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => listMassMailings(tx, a.scope, b.divisionId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const contacts = await run(a.tenant.id, (tx) => listDivisionContacts(tx, a.scope, { divisionId: a.divisionId }));
    expect(contacts.map((c) => c.contactId)).toEqual([a.contactId]);
    const mailings = await run(a.tenant.id, (tx) => listMassMailings(tx, a.scope, a.divisionId));
    expect(mailings.map((m) => m.id)).toEqual([a.massMailingId]);
  });

  it("divisionDispatchStatus, forceDivisionPoll and setDispatcherActive do not find B's division and change nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const now = new Date();
    await expect(
      run(a.tenant.id, (tx) => divisionDispatchStatus(tx, a.scope, { divisionId: b.divisionId, now })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => forceDivisionPoll(tx, a.scope, { divisionId: b.divisionId, now }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      run(a.tenant.id, (tx) => setDispatcherActive(tx, a.scope, { divisionId: b.divisionId, active: false })),
    ).rejects.toBeInstanceOf(NotFoundError);
    // A's own division: only A's mailbox and its mail, and forcing it leaves B's mailboxes alone.
    const own = await run(a.tenant.id, (tx) =>
      divisionDispatchStatus(tx, a.scope, { divisionId: a.divisionId, now, since: new Date(0) }),
    );
    expect(own.mailboxes.map((m) => [m.id, m.ingestedToday])).toEqual([[a.mailboxId, 1]]);
    expect(await run(a.tenant.id, (tx) => forceDivisionPoll(tx, a.scope, { divisionId: a.divisionId, now }))).toEqual({
      scheduled: 1,
      alreadyRunning: 0,
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("massMailingProgress does not find B's mailing", async () => {
    const { a, b } = await twoTenants();
    await expect(run(a.tenant.id, (tx) => massMailingProgress(tx, a.scope, b.massMailingId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await run(a.tenant.id, (tx) => massMailingProgress(tx, a.scope, a.massMailingId))).toMatchObject({ ready: 1 });
  });

  it("sendMassMail mails none of B's contacts, from A's division or B's, and changes nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const mail = { subject: "Hello", body: "Hi {{customerName}}. Unsubscribe: {{link}}" };
    await expect(
      run(a.tenant.id, (tx) => sendMassMail(tx, a.scope, { ...mail, divisionId: a.divisionId, contactIds: [b.contactId] })),
    ).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { contactIds: ["invalidChoice"] } });
    await expect(
      run(a.tenant.id, (tx) => sendMassMail(tx, a.scope, { ...mail, divisionId: b.divisionId, contactIds: [b.contactId] })),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
    // A's own contact in A's division is mailed: the refusals above are not a broken function.
    const outcome = await run(a.tenant.id, (tx) =>
      sendMassMail(tx, a.scope, { ...mail, divisionId: a.divisionId, contactIds: [a.contactId] }),
    );
    expect(outcome.queued).toBe(1);
  });
});

/**
 * Notification preferences belong to a user, not a tenant (a user may be a member of several), so
 * there is no tenant filter to prove: the action takes the user from the session, and inside a
 * tenant's transaction row-level security shows only that tenant's members.
 */
describe("a user's notification preferences inside tenant A's transaction", () => {
  it("do not find B's member, whose preferences stay as they were", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(withTenant(db, a.tenant.id, (tx) => getNotificationPreferences(tx, b.agent.id))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      withTenant(db, a.tenant.id, (tx) =>
        setNotificationPreferences(tx, b.agent.id, { notifyUnprocessed: false, notifyNewTicket: false, notifyAssignment: false }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
    // A's own member is found, so the refusals above are not a broken query.
    expect(await withTenant(db, a.tenant.id, (tx) => getNotificationPreferences(tx, a.agent.id))).toEqual({
      notifyUnprocessed: true,
      notifyNewTicket: true,
      notifyAssignment: true,
    });
  });
});
