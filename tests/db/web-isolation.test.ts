import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { describe, expect, it, vi } from "vitest";
import { divisions, notifications } from "../../db/schema";
import type { Database } from "../../db/client";
import { withTenant } from "../../db/tenant";
import { setDivisionPgpKey } from "../../lib/divisions/pgp-key";
import { operatorScope } from "../../lib/scope";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

/**
 * The web layer's door, end to end: the real server actions and page components, with only their
 * collaborators that need a live Next.js request replaced (the session cookie, the cache, the
 * request's translations). Signed in as tenant A's owner, every action and page handed tenant B's
 * slug or ids answers not-found and leaves B exactly as it was.
 */

const state = vi.hoisted(() => ({ db: undefined as unknown, userId: null as string | null }));

vi.mock("@/lib/auth/session", () => ({ currentUserId: async () => state.userId }));
vi.mock("@/db", () => ({ getDb: async () => state.db }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));
vi.mock("next-intl/server", () => {
  const t = Object.assign((key: string) => key, { rich: (key: string) => key, has: () => true });
  return {
    setRequestLocale: () => {},
    getLocale: async () => "en",
    getTranslations: async () => t,
    getMessages: async () => ({}),
    getFormatter: async () => ({ dateTime: () => "", number: () => "", relativeTime: () => "" }),
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
    defaultKnowledgeBaseId: "",
    unprocessedTemplateId: "",
  };
}

/** A key that unlocks without a passphrase: with it, only the division id can make an action fail. */
const { privateKey: armoredPrivateKey } = await openpgp.generateKey({
  type: "curve25519",
  userIDs: [{ email: "x@y.test" }],
  format: "armored",
});

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
    await expectNotFound(() => Edit({ params: params(b.divisionId, b.mailboxId) }));
    await expectNotFound(() => Edit({ params: params(a.divisionId, b.mailboxId) }));
    await expect(Edit({ params: params(a.divisionId, a.mailboxId) })).resolves.toBeTruthy();
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
});
