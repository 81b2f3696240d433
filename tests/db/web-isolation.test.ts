import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { describe, expect, it, vi } from "vitest";
import { attachments, divisions, notifications, outbox, teams } from "../../db/schema";
import type { Database } from "../../db/client";
import { operatorScope, withTenant } from "../../db/tenant";
import { setDivisionPgpKey } from "../../lib/divisions/pgp-key";
import { getNotificationPreferences } from "../../lib/users/preferences";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

/**
 * The web layer's door, end to end: the real server actions and page components, with only their
 * collaborators that need a live Next.js request replaced (the session cookie, the cache, the
 * request's translations). Signed in as tenant A's owner, every action and page handed tenant B's
 * slug or ids answers not-found and leaves B exactly as it was.
 */

const state = vi.hoisted(() => ({ db: undefined as unknown, userId: null as string | null }));

vi.mock("@/lib/auth/session", () => ({
  currentUserId: async () => state.userId,
  currentSession: async () => (state.userId ? { userId: state.userId, signInMethod: "password" } : null),
}));
vi.mock("@/db", () => ({ getDb: async () => state.db }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));
// A request without a Host: pages that note the origin they were reached at (lib/app-url.ts) note none.
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("next-intl/server", () => {
  const t = Object.assign((key: string) => key, { rich: (key: string) => key, has: () => true });
  return {
    setRequestLocale: () => {},
    getLocale: async () => "en",
    getTranslations: async () => t,
    getMessages: async () => ({}),
    getFormatter: async () => ({ dateTime: () => "", number: () => "", relativeTime: () => "", list: () => "" }),
    getNow: async () => new Date(),
  };
});

const db: Database = await testDatabase();
state.db = db;

const { createDivisionAction } = await import("@/app/[locale]/(app)/[tenant]/settings/divisions/actions");
const { clearDivisionPgpKeyAction, setDivisionPgpKeyAction, updateDivisionSettingsAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/actions"
);
const { createInviteAction, removeMemberAction, revokeInviteAction, updateMemberAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/members/actions"
);
const { createMailboxAction, createMailboxFolderAction, testMailboxConnectionAction, updateMailboxAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/mailboxes/actions"
);
const { markNotificationReadAction } = await import("@/app/[locale]/(app)/[tenant]/notifications/actions");
const { addNoteAction, assignTicketAction, moveTicketAction, replyToTicketAction, setTicketStatusAction } = await import(
  "@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/actions"
);
const { clearErrorsAction, resetSendingAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/outbox/actions"
);
const { GET: downloadAttachment } = await import(
  "@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/attachments/[attachmentId]/route"
);
const { createTemplateAction, deleteTemplateAction, updateTemplateAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/templates/actions"
);
const { updateNotificationPreferencesAction } = await import("@/app/[locale]/(app)/[tenant]/profile/actions");
const { createTeamAction, deleteTeamAction, updateTeamAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/teams/actions"
);
const { checkMassMailAction, sendMassMailAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/mass-mail/actions"
);
const { forceSchedulerAction, setDispatcherActiveAction } = await import(
  "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/dispatcher/actions"
);

async function tenants() {
  const a = await makeFilledTenant(db, "Alpha");
  const b = await makeFilledTenant(db, "Beta");
  state.userId = a.user.id;
  return { a, b, bBefore: await snapshotTenant(db, b.tenant.id) };
}

function validSettings(divisionId: string) {
  return {
    divisionId,
    name: "Taken over",
    tag: "PWNED",
    dispatcherActive: "on",
    sendingEnabled: "on",
    language: "en",
    pollIntervalMinutes: "5",
    automationMode: "convert_and_register",
    autoCloseDays: "",
    highlightDomains: "",
    spamDomains: "",
    maxSuggestions: "3",
    maxMailSizeMegabytes: "25",
    trashRetentionDays: "30",
    defaultKnowledgeBaseId: "",
    defaultSupportKnowledgeBaseId: "",
    unprocessedTemplateId: "",
    confirmationsPerSenderPerHour: "3",
    massMailFromMailboxId: "",
    timeZone: "UTC",
    businessHours: "",
    firstResponseTargetMinutes: "",
    resolutionTargetMinutes: "",
    escalateBeforeMinutes: "60",
  };
}

/** A key that unlocks without a passphrase: with it, only the division id can make an action fail. */
const { privateKey: armoredPrivateKey } = await openpgp.generateKey({
  type: "curve25519",
  userIDs: [{ email: "x@y.test" }],
  format: "armored",
});

/** The team makeFilledTenant gives a company, read as the owner. */
async function teamIdOf(tenantId: string): Promise<string> {
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.tenantId, tenantId));
  return team!.id;
}

/** The error Next's notFound() throws. */
function isNotFound(error: unknown): boolean {
  const digest = (error as { digest?: string } | null)?.digest ?? "";
  return digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;404") || digest === "NEXT_NOT_FOUND";
}

async function expectNotFound(render: () => Promise<unknown>) {
  const outcome = await render().then(
    () => "rendered",
    (error: unknown) => (isNotFound(error) ? "not-found" : error),
  );
  expect(outcome).toBe("not-found");
}

describe("server actions as tenant A with tenant B's ids", () => {
  it("saving settings of B's division through A's workspace is not found", async () => {
    const { a, b, bBefore } = await tenants();
    const result = await updateDivisionSettingsAction(a.tenant.slug, undefined, validSettings(b.divisionId));
    expect(result).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("changing, removing and revoking B's members and invites is not found", async () => {
    const { a, b, bBefore } = await tenants();
    const membershipId = b.agentMembershipId;
    expect(
      await updateMemberAction(a.tenant.slug, undefined, { membershipId, role: "owner", mayPurge: "on" }),
    ).toEqual({ error: "notFound" });
    expect(await removeMemberAction(a.tenant.slug, undefined, { membershipId })).toEqual({ error: "notFound" });
    expect(await revokeInviteAction(a.tenant.slug, undefined, { inviteId: b.inviteId })).toEqual({
      error: "notFound",
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("every action aimed at B's workspace slug is not found", async () => {
    const { b, bBefore } = await tenants();
    const slug = b.tenant.slug;
    const results = [
      await createDivisionAction(slug, undefined, { name: "Intruders", tag: "INTR" }),
      await createInviteAction(slug, undefined, { email: "spy@alpha.test", role: "admin" }),
      await updateDivisionSettingsAction(slug, undefined, validSettings(b.divisionId)),
      await updateMemberAction(slug, undefined, { membershipId: b.agentMembershipId, role: "admin" }),
      await removeMemberAction(slug, undefined, { membershipId: b.agentMembershipId }),
      await revokeInviteAction(slug, undefined, { inviteId: b.inviteId }),
      await setDivisionPgpKeyAction(slug, undefined, { divisionId: b.divisionId, armoredPrivateKey, passphrase: "" }),
      await clearDivisionPgpKeyAction(slug, undefined, { divisionId: b.divisionId }),
      await sendMassMailAction(slug, undefined, massMailForm(b.divisionId, [b.contactId])),
    ];
    for (const result of results) expect(result).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("setting or removing the PGP key of B's division through A's workspace is not found, and B keeps its key", async () => {
    const { a, b } = await tenants();
    await withTenant(db, b.tenant.id, (tx) =>
      setDivisionPgpKey(tx, operatorScope(b.tenant.id), b.divisionId, { armoredPrivateKey, passphrase: null }),
    );
    const bBefore = await snapshotTenant(db, b.tenant.id);
    expect(
      await setDivisionPgpKeyAction(a.tenant.slug, undefined, { divisionId: b.divisionId, armoredPrivateKey, passphrase: "" }),
    ).toEqual({ error: "notFound" });
    expect(await clearDivisionPgpKeyAction(a.tenant.slug, undefined, { divisionId: b.divisionId })).toEqual({
      error: "notFound",
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
    const [bDivision] = await db.select().from(divisions).where(eq(divisions.id, b.divisionId));
    expect(bDivision!.pgpPrivateKeyEnc).not.toBeNull();
  });

  it("the same action on A's own division succeeds, so the refusals above are not a broken action", async () => {
    const { a } = await tenants();
    const result = await updateDivisionSettingsAction(a.tenant.slug, undefined, validSettings(a.divisionId));
    expect(result.ok).toBe(true);
  });

  it("the PGP key actions on A's own division succeed, so their refusals above are not broken actions", async () => {
    const { a } = await tenants();
    const key = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
    expect(
      await setDivisionPgpKeyAction(a.tenant.slug, undefined, { divisionId: a.divisionId, armoredPrivateKey, passphrase: "" }),
    ).toEqual({ ok: true, result: { fingerprint: key.getFingerprint().toUpperCase() } });
    expect(await clearDivisionPgpKeyAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({ ok: true });
  });
});

/** A mailbox form aimed at a host the attacker controls, with the password left empty ("keep the stored one"). */
function mailboxForm(ids: Record<string, string>) {
  return {
    ...ids,
    name: "Hijack",
    address: "hijack@alpha.test",
    protocol: "imap",
    host: "127.0.0.1",
    port: "1",
    security: "none",
    username: "anyone",
    password: "",
    connectTimeoutSeconds: "5",
    active: "on",
    folder: "INBOX",
    folderToCreate: "Stolen",
  };
}

describe("mailbox and notification actions as tenant A with tenant B's ids", () => {
  it("cannot create a mailbox in B's division, edit B's mailbox, or use B's stored password to connect anywhere", async () => {
    const { a, b, bBefore } = await tenants();
    expect(await createMailboxAction(a.tenant.slug, undefined, { ...mailboxForm({ divisionId: b.divisionId }), password: "x" })).toEqual({
      error: "notFound",
    });
    expect(await updateMailboxAction(a.tenant.slug, undefined, mailboxForm({ mailboxId: b.mailboxId }))).toEqual({
      error: "notFound",
    });
    // Testing a connection with B's mailbox id and an empty password would send B's password to
    // A's host: it must stop before any connection is made.
    expect(await testMailboxConnectionAction(a.tenant.slug, undefined, mailboxForm({ mailboxId: b.mailboxId }))).toEqual({
      error: "notFound",
    });
    expect(await createMailboxFolderAction(a.tenant.slug, undefined, mailboxForm({ mailboxId: b.mailboxId }))).toEqual({
      error: "notFound",
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("cannot mark B's notifications read", async () => {
    const { a, b, bBefore } = await tenants();
    const [notification] = await db.select().from(notifications).where(eq(notifications.tenantId, b.tenant.id));
    expect(await markNotificationReadAction(a.tenant.slug, undefined, { notificationId: notification!.id })).toEqual({
      error: "notFound",
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });
});

describe("team actions as tenant A with tenant B's ids", () => {
  it("cannot create a team in B's division, or rename, restaff or delete B's team", async () => {
    const { a, b, bBefore } = await tenants();
    const bTeamId = await teamIdOf(b.tenant.id);
    const form = { name: "Taken over", outboundMailboxId: "", memberIds: [a.user.id] };
    const results = [
      await createTeamAction(a.tenant.slug, undefined, { ...form, divisionId: b.divisionId }),
      await updateTeamAction(a.tenant.slug, undefined, { ...form, teamId: bTeamId }),
      await deleteTeamAction(a.tenant.slug, undefined, { teamId: bTeamId }),
      await createTeamAction(b.tenant.slug, undefined, { ...form, divisionId: b.divisionId }),
      await updateTeamAction(b.tenant.slug, undefined, { ...form, teamId: bTeamId }),
      await deleteTeamAction(b.tenant.slug, undefined, { teamId: bTeamId }),
    ];
    for (const result of results) expect(result).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("refuses A's team that would send from B's mailbox or take in B's member", async () => {
    const { a, b, bBefore } = await tenants();
    const aTeamId = await teamIdOf(a.tenant.id);
    expect(
      await updateTeamAction(a.tenant.slug, undefined, { teamId: aTeamId, name: "First line", outboundMailboxId: b.mailboxId }),
    ).toEqual({ error: "invalidInput", fieldErrors: { outboundMailboxId: ["mailboxNotInDivision"] } });
    expect(
      await updateTeamAction(a.tenant.slug, undefined, { teamId: aTeamId, name: "First line", memberIds: [b.agent.id] }),
    ).toEqual({ error: "invalidInput", fieldErrors: { memberIds: ["invalidChoice"] } });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("the team actions on A's own division succeed, so the refusals above are not broken actions", async () => {
    const { a } = await tenants();
    const created = await createTeamAction(a.tenant.slug, undefined, {
      divisionId: a.divisionId,
      name: "Second line",
      outboundMailboxId: a.mailboxId,
      memberIds: [a.agent.id],
    });
    expect(created).toEqual({
      ok: true,
      result: { name: "Second line", outboundMailboxId: a.mailboxId, memberIds: [a.agent.id] },
    });
    const [team] = await db.select().from(teams).where(and(eq(teams.tenantId, a.tenant.id), eq(teams.name, "Second line")));
    expect(await updateTeamAction(a.tenant.slug, undefined, { teamId: team!.id, name: "Escalations" })).toMatchObject({ ok: true });
    expect(await deleteTeamAction(a.tenant.slug, undefined, { teamId: team!.id })).toEqual({ ok: true });
  });
});

describe("template actions as tenant A with tenant B's ids", () => {
  const text = { name: "Taken over", subject: "Pwned {{ticketNumber}}", body: "Pwned" };

  it("cannot create a template in B's division, or change or delete B's template", async () => {
    const { a, b, bBefore } = await tenants();
    const results = [
      await createTemplateAction(a.tenant.slug, undefined, { divisionId: b.divisionId, kind: "confirmation", locale: "en" }),
      await updateTemplateAction(a.tenant.slug, undefined, { templateId: b.templateId, ...text }),
      await deleteTemplateAction(a.tenant.slug, undefined, { templateId: b.templateId }),
      await createTemplateAction(b.tenant.slug, undefined, { divisionId: b.divisionId, kind: "confirmation", locale: "en" }),
      await updateTemplateAction(b.tenant.slug, undefined, { templateId: b.templateId, ...text }),
      await deleteTemplateAction(b.tenant.slug, undefined, { templateId: b.templateId }),
    ];
    for (const result of results) expect(result).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("the template actions on A's own division succeed, so the refusals above are not broken actions", async () => {
    const { a } = await tenants();
    const created = await createTemplateAction(a.tenant.slug, undefined, {
      divisionId: a.divisionId,
      kind: "confirmation",
      locale: "pl",
    });
    expect(created).toEqual({ ok: true, result: { id: expect.any(String) } });
    const templateId = created.result!.id;
    expect(await updateTemplateAction(a.tenant.slug, undefined, { templateId, ...text })).toEqual({
      ok: true,
      result: text,
    });
    expect(await deleteTemplateAction(a.tenant.slug, undefined, { templateId })).toEqual({ ok: true });
  });

  it("an agent of A may not change A's templates", async () => {
    const { a } = await tenants();
    state.userId = a.agent.id;
    expect(await updateTemplateAction(a.tenant.slug, undefined, { templateId: a.templateId, ...text })).toEqual({
      error: "forbidden",
    });
    expect(await deleteTemplateAction(a.tenant.slug, undefined, { templateId: a.templateId })).toEqual({
      error: "forbidden",
    });
  });
});

/** A mass mail as the form sends it: one contact id is a string, several are a list. */
function massMailForm(divisionId: string, contactIds: string[]) {
  return {
    divisionId,
    contactIds: contactIds.length === 1 ? contactIds[0] : contactIds,
    subject: "Hello",
    body: "Hello {{customerName}}. Unsubscribe: {{link}}",
    ratePerMinute: "60",
  };
}

describe("mass mail actions as tenant A with tenant B's ids", () => {
  it("cannot mail B's contacts, from A's division or from B's, and B is unchanged", async () => {
    const { a, b, bBefore } = await tenants();
    expect(await sendMassMailAction(a.tenant.slug, undefined, massMailForm(b.divisionId, [b.contactId]))).toEqual({
      error: "notFound",
    });
    expect(await sendMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [b.contactId]))).toEqual({
      error: "invalidInput",
      fieldErrors: { contactIds: ["invalidChoice"] },
    });
    expect(
      await sendMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [a.contactId, b.contactId])),
    ).toMatchObject({ error: "invalidInput" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("the check step neither finds B's division nor accepts B's contact, and passes A's own", async () => {
    const { a, b } = await tenants();
    expect(await checkMassMailAction(a.tenant.slug, undefined, massMailForm(b.divisionId, [b.contactId]))).toEqual({
      error: "notFound",
    });
    expect(await checkMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [b.contactId]))).toEqual({
      error: "invalidInput",
      fieldErrors: { contactIds: ["invalidChoice"] },
    });
    expect(await checkMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [a.contactId]))).toEqual({
      ok: true,
      result: { recipients: 1, skippedUnsubscribed: 0 },
    });
  });

  it("mails A's own contact from A's division, so the refusals above are not a broken action", async () => {
    const { a } = await tenants();
    expect(await sendMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [a.contactId]))).toEqual({
      ok: true,
      result: { queued: 1, skippedUnsubscribed: 0 },
    });
  });

  it("an agent of A may not send mass mail", async () => {
    const { a } = await tenants();
    state.userId = a.agent.id;
    expect(await sendMassMailAction(a.tenant.slug, undefined, massMailForm(a.divisionId, [a.contactId]))).toEqual({
      error: "forbidden",
    });
  });
});

describe("notification preferences", () => {
  const allOff = { notifyUnprocessed: "", notifyNewTicket: "", notifyAssignment: "" };

  it("change the signed-in user's own only, whatever user id the form carries", async () => {
    const { a, b, bBefore } = await tenants();
    const aAgentBefore = await withTenant(db, a.tenant.id, (tx) => getNotificationPreferences(tx, a.agent.id));
    const result = await updateNotificationPreferencesAction(a.tenant.slug, undefined, {
      ...allOff,
      notifyAssignment: "on",
      userId: a.agent.id,
    });
    expect(result).toEqual({
      ok: true,
      result: { notifyUnprocessed: false, notifyNewTicket: false, notifyAssignment: true },
    });
    expect(await withTenant(db, a.tenant.id, (tx) => getNotificationPreferences(tx, a.user.id))).toEqual(result.result);
    expect(await withTenant(db, a.tenant.id, (tx) => getNotificationPreferences(tx, a.agent.id))).toEqual(aAgentBefore);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("cannot be saved through B's workspace", async () => {
    const { b, bBefore } = await tenants();
    expect(await updateNotificationPreferencesAction(b.tenant.slug, undefined, allOff)).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });
});

/** The attachment and outbox row makeFilledTenant gives a company's ticket, read as the owner. */
async function ticketExtrasOf(tenantId: string) {
  const [attachment] = await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.tenantId, tenantId));
  const [queued] = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.tenantId, tenantId));
  return { attachmentId: attachment!.id, outboxId: queued!.id };
}

describe("ticket actions as tenant A with tenant B's ids", () => {
  it("cannot reply to, note on, close, move or assign B's ticket, through A's workspace or B's", async () => {
    const { a, b, bBefore } = await tenants();
    const ticketId = b.ticketId;
    for (const slug of [a.tenant.slug, b.tenant.slug]) {
      const results = [
        await replyToTicketAction(slug, undefined, { ticketId, text: "Leaked", cc: "spy@alpha.test" }),
        await addNoteAction(slug, undefined, { ticketId, text: "Was here" }),
        await setTicketStatusAction(slug, undefined, { ticketId, status: "closed" }),
        await moveTicketAction(slug, undefined, { ticketId, divisionId: a.divisionId, teamId: "" }),
        await moveTicketAction(slug, undefined, { ticketId, divisionId: b.secondDivisionId, teamId: "" }),
        await assignTicketAction(slug, undefined, { ticketId, assigneeId: a.user.id }),
      ];
      for (const result of results) expect(result).toEqual({ error: "notFound" });
    }
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("cannot move A's ticket into B's division or to B's team, nor give it to B's member", async () => {
    const { a, b, bBefore } = await tenants();
    const ticketId = a.ticketId;
    expect(await moveTicketAction(a.tenant.slug, undefined, { ticketId, divisionId: b.divisionId, teamId: "" })).toEqual({
      error: "notFound",
    });
    expect(
      await moveTicketAction(a.tenant.slug, undefined, { ticketId, divisionId: a.divisionId, teamId: await teamIdOf(b.tenant.id) }),
    ).toEqual({ error: "invalidInput", fieldErrors: { teamId: ["teamNotInDivision"] } });
    expect(await assignTicketAction(a.tenant.slug, undefined, { ticketId, assigneeId: b.user.id })).toEqual({
      error: "invalidInput",
      fieldErrors: { assigneeId: ["invalidChoice"] },
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("the ticket actions on A's own ticket succeed, so the refusals above are not broken actions", async () => {
    const { a } = await tenants();
    const ticketId = a.ticketId;
    expect(await replyToTicketAction(a.tenant.slug, undefined, { ticketId, text: "On it.", cc: "" })).toEqual({
      ok: true,
      // The test database keeps sending off; the mailbox of the ticket's team sends it once it is on.
      result: { sendingEnabled: false, hasSender: true },
    });
    expect(await addNoteAction(a.tenant.slug, undefined, { ticketId, text: "Checked." })).toEqual({ ok: true });
    expect(await setTicketStatusAction(a.tenant.slug, undefined, { ticketId, status: "on_hold" })).toEqual({
      ok: true,
      result: { status: "on_hold" },
    });
    expect(await assignTicketAction(a.tenant.slug, undefined, { ticketId, assigneeId: a.agent.id })).toEqual({ ok: true });
    expect(await moveTicketAction(a.tenant.slug, undefined, { ticketId, divisionId: a.secondDivisionId, teamId: "" })).toEqual({
      ok: true,
      result: { divisionId: a.secondDivisionId, number: 1 },
    });
  });

  it("a reply's attachments over 20 MB together are refused before anything is stored", async () => {
    const { a } = await tenants();
    const aBefore = await snapshotTenant(db, a.tenant.id);
    const form = new FormData();
    form.set("ticketId", a.ticketId);
    form.set("text", "Files attached.");
    form.append("attachments", new File([new Uint8Array(12 * 1024 * 1024)], "one.bin"));
    form.append("attachments", new File([new Uint8Array(9 * 1024 * 1024)], "two.bin"));
    expect(await replyToTicketAction(a.tenant.slug, undefined, form)).toEqual({
      error: "invalidInput",
      fieldErrors: { attachments: ["attachmentsTooLarge"] },
    });
    expect(await snapshotTenant(db, a.tenant.id)).toEqual(aBefore);
  });
});

describe("outbox actions as tenant A with tenant B's ids", () => {
  it("cannot reset or clear B's outbox, whole or one row, and B's failed mail stays failed", async () => {
    const { a, b } = await tenants();
    const { outboxId } = await ticketExtrasOf(b.tenant.id);
    await db.update(outbox).set({ status: "error", lastErrorCode: "loginFailed" }).where(eq(outbox.id, outboxId));
    const bBefore = await snapshotTenant(db, b.tenant.id);
    for (const slug of [a.tenant.slug, b.tenant.slug]) {
      expect(await resetSendingAction(slug, undefined, { divisionId: b.divisionId })).toEqual({ error: "notFound" });
      expect(await clearErrorsAction(slug, undefined, { divisionId: b.divisionId, id: outboxId })).toEqual({ error: "notFound" });
    }
    // A's own division with B's row id: nothing of A's matches, and B's row is untouched.
    expect(await clearErrorsAction(a.tenant.slug, undefined, { divisionId: a.divisionId, id: outboxId })).toEqual({
      ok: true,
      result: { count: 0 },
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("A's admin clears A's failed mail; A's agent may not", async () => {
    const { a } = await tenants();
    const { outboxId } = await ticketExtrasOf(a.tenant.id);
    await db.update(outbox).set({ status: "error", lastErrorCode: "noSmtp" }).where(eq(outbox.id, outboxId));
    state.userId = a.agent.id;
    expect(await clearErrorsAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({ error: "forbidden" });
    expect(await resetSendingAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({ error: "forbidden" });
    state.userId = a.user.id;
    expect(await clearErrorsAction(a.tenant.slug, undefined, { divisionId: a.divisionId, id: outboxId })).toEqual({
      ok: true,
      result: { count: 1 },
    });
    const [row] = await db.select().from(outbox).where(eq(outbox.id, outboxId));
    expect(row).toMatchObject({ status: "ready", lastErrorCode: null });
  });
});

describe("dispatcher actions as tenant A with tenant B's ids", () => {
  it("cannot force B's scheduler or switch B's dispatcher, through A's workspace or B's", async () => {
    const { a, b, bBefore } = await tenants();
    for (const slug of [a.tenant.slug, b.tenant.slug]) {
      expect(await forceSchedulerAction(slug, undefined, { divisionId: b.divisionId })).toEqual({ error: "notFound" });
      expect(await setDispatcherActiveAction(slug, undefined, { divisionId: b.divisionId, active: false })).toEqual({
        error: "notFound",
      });
    }
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("A's owner forces A's scheduler and switches A's dispatcher; A's agent may not", async () => {
    const { a } = await tenants();
    state.userId = a.agent.id;
    expect(await forceSchedulerAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({ error: "forbidden" });
    expect(await setDispatcherActiveAction(a.tenant.slug, undefined, { divisionId: a.divisionId, active: false })).toEqual({
      error: "forbidden",
    });
    state.userId = a.user.id;
    expect(await forceSchedulerAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({
      ok: true,
      result: { scheduled: 1, alreadyRunning: 0 },
    });
    expect(await setDispatcherActiveAction(a.tenant.slug, undefined, { divisionId: a.divisionId, active: false })).toEqual({
      ok: true,
      result: { dispatcherActive: false },
    });
    expect(await forceSchedulerAction(a.tenant.slug, undefined, { divisionId: a.divisionId })).toEqual({
      error: "dispatcherOff",
      fieldErrors: {},
    });
  });
});

describe("ticket pages, attachment downloads and the outbox page as tenant A with tenant B's ids", () => {
  const ticketPage = () => import("@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/page");
  const queuePage = () => import("@/app/[locale]/(app)/[tenant]/tickets/page");
  const outboxPage = () => import("@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/outbox/page");
  const download = (tenant: string, ticketId: string, attachmentId: string) =>
    downloadAttachment(new Request("http://localhost/"), {
      params: Promise.resolve({ locale: "en", tenant, ticketId, attachmentId }),
    });

  it("A's ticket page with B's ticket id is not found, and with A's own it renders", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await ticketPage();
    const params = (ticketId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, ticketId });
    const searchParams = Promise.resolve({});
    await expectNotFound(() => Page({ params: params(b.ticketId), searchParams }));
    await expectNotFound(() => Page({ params: params("not-a-uuid"), searchParams }));
    await expect(Page({ params: params(a.ticketId), searchParams })).resolves.toBeTruthy();
  });

  it("A's queue with B's division in the URL leads to A's own queue, without the division", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await queuePage();
    const params = Promise.resolve({ locale: "en", tenant: a.tenant.slug });
    await expect(Page({ params, searchParams: Promise.resolve({ division: b.divisionId, status: "all" }) })).rejects.toMatchObject({
      digest: expect.stringContaining(`/en/${a.tenant.slug}/tickets?status=all;`),
    });
    await expect(Page({ params, searchParams: Promise.resolve({ status: "all" }) })).resolves.toBeTruthy();
  });

  it("B's attachment is not found through A's workspace, neither under B's ticket nor under A's", async () => {
    const { a, b } = await tenants();
    const { attachmentId } = await ticketExtrasOf(b.tenant.id);
    await expectNotFound(() => download(a.tenant.slug, b.ticketId, attachmentId));
    await expectNotFound(() => download(a.tenant.slug, a.ticketId, attachmentId));
    await expectNotFound(() => download(b.tenant.slug, b.ticketId, attachmentId));
  });

  it("A's own attachment downloads as an attachment with its stored type, never inline", async () => {
    const { a } = await tenants();
    const { attachmentId } = await ticketExtrasOf(a.tenant.id);
    const response = await download(a.tenant.slug, a.ticketId, attachmentId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="printer.txt"; filename*=UTF-8''printer.txt`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toBe("fire");
  });

  it("A's outbox page with B's division id is not found, and with A's own it renders for the owner and the agent", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await outboxPage();
    const params = (divisionId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId });
    await expectNotFound(() => Page({ params: params(b.divisionId) }));
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
    state.userId = a.agent.id;
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
  });
});

describe("pages as tenant A with tenant B's slug or ids", () => {
  const tenantPages = path.resolve("app/[locale]/(app)/[tenant]");
  const pageFiles = fs
    .readdirSync(tenantPages, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith("page.tsx"))
    .map((file) => path.join(tenantPages, file));

  it("finds the tenant pages to check", () => {
    expect(pageFiles.length).toBeGreaterThanOrEqual(6);
  });

  it("every page under [tenant] with B's slug is not found", async () => {
    const { b } = await tenants();
    for (const file of pageFiles) {
      const { default: Page } = (await import(file)) as { default: (props: unknown) => Promise<unknown> };
      const params = Promise.resolve({
        locale: "en",
        tenant: b.tenant.slug,
        divisionId: b.divisionId,
        mailboxId: b.mailboxId,
        ticketId: b.ticketId,
        contactId: b.contactId,
        teamId: await teamIdOf(b.tenant.id),
        templateId: b.templateId,
      });
      await expectNotFound(() => Page({ params, searchParams: Promise.resolve({}) }));
    }
  });

  it("A's mailbox pages with B's division or mailbox id are not found", async () => {
    const { a, b } = await tenants();
    const { default: List } = await import("@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/mailboxes/page");
    const { default: Edit } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/mailboxes/[mailboxId]/page"
    );
    const params = (divisionId: string, mailboxId: string) =>
      Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId, mailboxId });
    await expectNotFound(() => List({ params: params(b.divisionId, b.mailboxId) }));
    await expectNotFound(() => Edit({ params: params(b.divisionId, b.mailboxId), searchParams: Promise.resolve({}) }));
    await expectNotFound(() => Edit({ params: params(a.divisionId, b.mailboxId), searchParams: Promise.resolve({}) }));
    await expect(Edit({ params: params(a.divisionId, a.mailboxId), searchParams: Promise.resolve({}) })).resolves.toBeTruthy();
  });

  it("A's team pages with B's division or team id are not found", async () => {
    const { a, b } = await tenants();
    const [aTeamId, bTeamId] = [await teamIdOf(a.tenant.id), await teamIdOf(b.tenant.id)];
    const { default: List } = await import("@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/teams/page");
    const { default: New } = await import("@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/teams/new/page");
    const { default: Edit } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/teams/[teamId]/page"
    );
    const params = (divisionId: string, teamId: string) =>
      Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId, teamId });
    await expectNotFound(() => List({ params: params(b.divisionId, bTeamId) }));
    await expectNotFound(() => New({ params: params(b.divisionId, bTeamId) }));
    await expectNotFound(() => Edit({ params: params(b.divisionId, bTeamId) }));
    await expectNotFound(() => Edit({ params: params(a.divisionId, bTeamId) }));
    // A's own team, but under A's other division: the URL names a team that division does not have.
    await expectNotFound(() => Edit({ params: params(a.secondDivisionId, aTeamId) }));
    await expect(List({ params: params(a.divisionId, aTeamId) })).resolves.toBeTruthy();
    await expect(Edit({ params: params(a.divisionId, aTeamId) })).resolves.toBeTruthy();
  });

  it("A's division settings page with B's division id is not found, and with A's own it renders", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/page"
    );
    const params = (divisionId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId });
    await expectNotFound(() => Page({ params: params(b.divisionId) }));
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
  });

  it("A's template pages with B's division or template id are not found, and with A's own they render", async () => {
    const { a, b } = await tenants();
    const { default: List } = await import("@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/templates/page");
    const { default: Edit } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/templates/[templateId]/page"
    );
    const params = (divisionId: string, templateId: string) =>
      Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId, templateId });
    await expectNotFound(() => List({ params: params(b.divisionId, b.templateId) }));
    await expectNotFound(() => Edit({ params: params(b.divisionId, b.templateId) }));
    await expectNotFound(() => Edit({ params: params(a.divisionId, b.templateId) }));
    // A's template under A's other division is not that division's.
    await expectNotFound(() => Edit({ params: params(a.secondDivisionId, a.templateId) }));
    await expect(List({ params: params(a.divisionId, a.templateId) })).resolves.toBeTruthy();
    await expect(Edit({ params: params(a.divisionId, a.templateId) })).resolves.toBeTruthy();
  });

  it("A's dispatcher page with B's division id is not found, and with A's own it renders for the owner and the agent", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/dispatcher/page"
    );
    const params = (divisionId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId });
    await expectNotFound(() => Page({ params: params(b.divisionId) }));
    await expectNotFound(() => Page({ params: params("not-a-uuid") }));
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
    state.userId = a.agent.id;
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
  });

  it("A's mass mail page with B's division id is not found, and with A's own it renders", async () => {
    const { a, b } = await tenants();
    const { default: Page } = await import(
      "@/app/[locale]/(app)/[tenant]/settings/divisions/[divisionId]/mass-mail/page"
    );
    const params = (divisionId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, divisionId });
    await expectNotFound(() => Page({ params: params(b.divisionId) }));
    await expect(Page({ params: params(a.divisionId) })).resolves.toBeTruthy();
  });

  it("the profile page renders in A's workspace, and is not found in B's", async () => {
    const { a, b } = await tenants();
    const { default: Profile } = await import("@/app/[locale]/(app)/[tenant]/profile/page");
    await expect(Profile({ params: Promise.resolve({ locale: "en", tenant: a.tenant.slug }) })).resolves.toBeTruthy();
    await expectNotFound(() => Profile({ params: Promise.resolve({ locale: "en", tenant: b.tenant.slug }) }));
  });
});

describe("customers as tenant A with tenant B's ids", () => {
  it("A's contact page with B's contact id is not found, and with A's own it renders; the list renders A's", async () => {
    const { a, b } = await tenants();
    const { default: Contact } = await import("@/app/[locale]/(app)/[tenant]/contacts/[contactId]/page");
    const { default: List } = await import("@/app/[locale]/(app)/[tenant]/contacts/page");
    const params = (contactId: string) => Promise.resolve({ locale: "en", tenant: a.tenant.slug, contactId });
    await expectNotFound(() => Contact({ params: params(b.contactId) }));
    await expectNotFound(() => Contact({ params: params("not-a-uuid") }));
    await expect(Contact({ params: params(a.contactId) })).resolves.toBeTruthy();
    await expect(
      List({ params: Promise.resolve({ locale: "en", tenant: a.tenant.slug }), searchParams: Promise.resolve({ q: "customer" }) }),
    ).resolves.toBeTruthy();
  });

  it("editing B's contact through A's workspace is not found and leaves B as it was; A's own is saved", async () => {
    const { a, b, bBefore } = await tenants();
    const { updateContactAction } = await import("@/app/[locale]/(app)/[tenant]/contacts/[contactId]/actions");
    const edit = { organization: "Taken over", notes: "pwned" };
    expect(await updateContactAction(a.tenant.slug, undefined, { contactId: b.contactId, ...edit })).toEqual({ error: "notFound" });
    expect(await updateContactAction(b.tenant.slug, undefined, { contactId: b.contactId, ...edit })).toEqual({ error: "notFound" });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
    expect(await updateContactAction(a.tenant.slug, undefined, { contactId: a.contactId, ...edit })).toMatchObject({
      ok: true,
      result: { organization: "Taken over", notes: "pwned" },
    });
  });
});
