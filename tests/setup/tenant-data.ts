import crypto from "node:crypto";
import { and, eq, is, type SQL, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import type { Database, Executor } from "../../db/client";
import * as schema from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { createInvite } from "../../lib/members/invites";
import { sealSecret } from "../../lib/secrets";
import { makeTenant } from "./db";

/**
 * The tables of db/schema.ts, read from its exports, so that a table added later is covered by the
 * isolation tests without anyone remembering to list it.
 */
const allTables = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableConfig(table));

/**
 * Tables that hold no tenant's data and have no policy, on purpose: they serve sign-in and one's own
 * account, before and beside any tenant, and the app role has no grant on them. Anything else is
 * tenant data.
 */
export const globalTableNames = [
  "sign_in_attempts",
  "recovery_codes",
  "sign_in_identities",
  "pending_sign_ups",
  "password_resets",
  "account_mail",
  "instance_settings",
];

export interface TenantTable {
  name: string;
  columns: string[];
  /** How the rows of one tenant are found: a tenant_id column, the tenant's own row, or membership. */
  kind: "tenant_id" | "tenant" | "member";
}

/** Tables whose rows belong to a tenant through its members, and the column naming the user. */
const memberTables: Record<string, string> = { users: "id", sessions: "user_id" };

export const tenantTables: TenantTable[] = allTables
  .filter((config) => !globalTableNames.includes(config.name))
  .map((config) => {
    const columns = config.columns.map((column) => column.name);
    const kind = columns.includes("tenant_id")
      ? "tenant_id"
      : config.name === "tenants"
        ? "tenant"
        : config.name in memberTables
          ? "member"
          : undefined;
    if (!kind) {
      throw new Error(
        `Table ${config.name} has no tenant_id column: add one (with the tenant_isolation policy), ` +
          "or, if it really holds no tenant's data, list it in globalTableNames in tests/setup/tenant-data.ts",
      );
    }
    return { name: config.name, columns, kind };
  });

export const tableNamesWithTenantId = allTables
  .filter((config) => config.columns.some((column) => column.name === "tenant_id"))
  .map((config) => config.name)
  .sort();

/** Rows of a raw `execute`: postgres.js returns them as an array, PGlite as `{ rows }`. */
export function rowsOf(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/** The database's own error under drizzle's "Failed query" wrapper. */
export function databaseError(error: unknown): { code?: string; message: string } {
  let current = error as { cause?: unknown; code?: string; message: string };
  while (current.cause && !current.code) current = current.cause as typeof current;
  return current;
}

/** The user ids of a tenant's members, read as the owner (no row-level security). */
export async function memberUserIds(db: Database, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: schema.memberships.userId })
    .from(schema.memberships)
    .where(eq(schema.memberships.tenantId, tenantId));
  return rows.map((row) => row.userId).sort();
}

/** A condition selecting one tenant's rows of a table, without relying on row-level security. */
export function rowsOfTenant(table: TenantTable, tenantId: string, userIds: string[]): SQL {
  switch (table.kind) {
    case "tenant_id":
      return sql`tenant_id = ${tenantId}`;
    case "tenant":
      return sql`id = ${tenantId}`;
    case "member":
      if (userIds.length === 0) return sql`false`;
      return sql`${sql.identifier(memberTables[table.name]!)} in (${sql.join(userIds.map((id) => sql`${id}::uuid`), sql`, `)})`;
  }
}

/** Whether a row read through a raw query belongs to the tenant. */
export function belongsTo(table: TenantTable, row: Record<string, unknown>, tenantId: string, userIds: string[]) {
  switch (table.kind) {
    case "tenant_id":
      return row.tenant_id === tenantId;
    case "tenant":
      return row.id === tenantId;
    case "member":
      return userIds.includes(row[memberTables[table.name]!] as string);
  }
}

/**
 * Every row of one tenant in every tenant table, read as the owner: comparing two snapshots shows
 * whether anything of that tenant was changed.
 */
export async function snapshotTenant(db: Executor, tenantId: string): Promise<Record<string, string[]>> {
  const userIds = await memberUserIds(db as Database, tenantId);
  const snapshot: Record<string, string[]> = {};
  for (const table of tenantTables) snapshot[table.name] = await tenantRowsIn(db, table, tenantId, userIds);
  return snapshot;
}

/** One tenant's rows of one table as JSON text, in a stable order. */
export async function tenantRowsIn(db: Executor, table: TenantTable, tenantId: string, userIds: string[]) {
  const condition = rowsOfTenant(table, tenantId, userIds);
  const result = await db.execute(
    sql`select to_jsonb(t)::text as row from ${sql.identifier(table.name)} t where ${condition} order by 1`,
  );
  return rowsOf(result).map((row) => row.row as string);
}

/**
 * A company with at least one row in every tenant table: an owner and an agent (with a session), two divisions, a
 * pending invite, a team, a mailbox with sealed secrets, a knowledge base, a contact with a ticket
 * made from an inbound email, a reply in the outbox, a mass mailing with its one outbox row, and the
 * audit rows all of that leaves.
 */
export async function makeFilledTenant(db: Database, name: string) {
  const base = await makeTenant(db, name);
  const suffix = crypto.randomBytes(4).toString("hex");
  const domain = `${base.tenant.slug}.test`;
  const [agent] = await db
    .insert(schema.users)
    .values({ email: `agent-${suffix}@${domain}`, name: `${name} Agent`, passwordHash: "not-a-real-hash" })
    .returning();
  const scope: TenantScope = { tenantId: base.tenant.id, userId: base.user.id, role: "owner" };
  await db.insert(schema.sessions).values({ userId: agent!.id, expiresAt: new Date(Date.now() + 60 * 60_000) });
  const ids = await withTenant(db, base.tenant.id, async (tx) => {
    const tenantId = base.tenant.id;
    const [agentMembership] = await tx
      .insert(schema.memberships)
      .values({ tenantId, userId: agent!.id, role: "agent" })
      .returning();
    const [secondDivision] = await tx
      .insert(schema.divisions)
      .values({ tenantId, name: "Sales", tag: `S${suffix.toUpperCase()}` })
      .returning();
    const { invite } = await createInvite(tx, scope, { email: `invitee-${suffix}@${domain}`, role: "agent" });
    await tx
      .insert(schema.divisionUnprocessedRecipients)
      .values({ tenantId, divisionId: base.divisionId, userId: base.user.id });
    await tx.insert(schema.divisionHolidays).values({ tenantId, divisionId: base.divisionId, day: "2026-12-24" });
    const [template] = await tx
      .select({ id: schema.emailTemplates.id })
      .from(schema.emailTemplates)
      .where(
        and(eq(schema.emailTemplates.divisionId, base.divisionId), eq(schema.emailTemplates.kind, "notify_unprocessed")),
      )
      .limit(1);
    const [knowledgeBase] = await tx.insert(schema.knowledgeBases).values({ tenantId, name: "FAQ" }).returning();
    const [category] = await tx
      .insert(schema.knowledgeBaseCategories)
      .values({ tenantId, knowledgeBaseId: knowledgeBase!.id, name: "Accounts" })
      .returning();
    const articleId = crypto.randomUUID();
    await tx.insert(schema.articles).values({
      id: articleId,
      tenantId,
      knowledgeBaseId: knowledgeBase!.id,
      categoryId: category!.id,
      translationGroupId: articleId,
      title: "Resetting a password",
      body: "…",
      slug: "resetting-a-password",
      state: "published",
    });
    await tx
      .insert(schema.articleRevisions)
      .values({ tenantId, articleId, title: "Resetting a password", body: "…", state: "published" });
    await tx.insert(schema.knowledgeBaseImages).values({
      tenantId,
      knowledgeBaseId: knowledgeBase!.id,
      filename: "screen.png",
      contentType: "image/png",
      size: 3,
      content: Buffer.from("png"),
    });
    const [team] = await tx
      .insert(schema.teams)
      .values({ tenantId, divisionId: base.divisionId, name: "First line" })
      .returning();
    await tx.insert(schema.teamMembers).values({ tenantId, teamId: team!.id, userId: agent!.id });
    await tx.insert(schema.remoteImageSenders).values({ tenantId, userId: agent!.id, address: "news@customer.test" });
    await tx.insert(schema.cannedReplies).values([
      { tenantId, divisionId: base.divisionId, name: "Thanks", body: "Thank you, {{customer.name}}." },
      { tenantId, ownerUserId: agent!.id, name: "Mine", body: "Best, {{agent.name}}" },
    ]);
    const [mailbox] = await tx
      .insert(schema.mailboxes)
      .values({
        tenantId,
        divisionId: base.divisionId,
        name: "Support",
        address: `support@${domain}`,
        protocol: "imap",
        host: "imap.example.test",
        port: 993,
        security: "tls",
        username: `support@${domain}`,
        passwordEnc: sealSecret(`mailbox-password-${suffix}`),
        teamId: team!.id,
      })
      .returning();
    await tx
      .insert(schema.memberDefaultMailboxes)
      .values({ tenantId, userId: agent!.id, divisionId: base.divisionId, mailboxId: mailbox!.id });
    // A "Connect with …" in flight for the mailbox: its PKCE verifier is a secret like the others.
    await tx.insert(schema.oauthConnectRequests).values({
      stateHash: `state-hash-${suffix}`,
      tenantId,
      userId: agent!.id,
      divisionId: base.divisionId,
      mailboxId: mailbox!.id,
      provider: "oidc",
      codeVerifierEnc: sealSecret(`pkce-verifier-${suffix}`),
      nonceEnc: sealSecret(`nonce-${suffix}`),
      redirectUri: "http://127.0.0.1/oauth/callback",
      expiresAt: new Date(Date.now() + 10 * 60_000),
    });
    const [contact] = await tx
      .insert(schema.contacts)
      .values({ tenantId, email: `customer-${suffix}@customer.test`, name: "A Customer" })
      .returning();
    const [ticket] = await tx
      .insert(schema.tickets)
      .values({ tenantId, divisionId: base.divisionId, number: 1, subject: "Printer on fire", contactId: contact!.id })
      .returning();
    const raw = Buffer.from(`Subject: Printer on fire\r\n\r\nHelp.\r\n`);
    const [inbound] = await tx
      .insert(schema.inboundEmails)
      .values({
        tenantId,
        mailboxId: mailbox!.id,
        divisionId: base.divisionId,
        uniqueKey: "imap:1:1",
        uidValidity: 1,
        uid: 1,
        raw,
        size: raw.length,
        sha256: crypto.createHash("sha256").update(raw).digest("hex"),
        messageId: `<${suffix}@customer.test>`,
        outcome: "ticket_created",
        ticketId: ticket!.id,
      })
      .returning();
    await tx.insert(schema.inboundMessageIds).values({ tenantId, messageId: inbound!.messageId!, inboundEmailId: inbound!.id });
    await tx.insert(schema.ticketReads).values({ tenantId, userId: base.user.id, ticketId: ticket!.id });
    await tx.insert(schema.ticketViewers).values({ tenantId, userId: base.user.id, ticketId: ticket!.id });
    const [message] = await tx
      .insert(schema.messages)
      .values({ tenantId, ticketId: ticket!.id, direction: "inbound", text: "Help.", inboundEmailId: inbound!.id })
      .returning();
    await tx.insert(schema.attachments).values({
      tenantId,
      messageId: message!.id,
      filename: "printer.txt",
      contentType: "text/plain",
      size: 4,
      content: Buffer.from("fire"),
      sha256: crypto.createHash("sha256").update("fire").digest("hex"),
    });
    await tx.insert(schema.notifications).values({
      tenantId,
      userId: base.user.id,
      kind: "inbound.unprocessed",
      data: { inboundEmailId: inbound!.id, reason: "parseFailed" },
    });
    await tx.insert(schema.outbox).values({
      tenantId,
      divisionId: base.divisionId,
      ticketId: ticket!.id,
      mailboxId: mailbox!.id,
      kind: "confirmation",
      toAddresses: [{ address: contact!.email }],
      subject: "We got your message",
      text: "Thank you.",
      messageId: `<confirmation-${suffix}@${domain}>`,
    });
    const [massMailing] = await tx
      .insert(schema.massMailings)
      .values({
        tenantId,
        divisionId: base.divisionId,
        subject: "Our new opening hours",
        body: "Hello {{customerName}}, …\n\nUnsubscribe: {{link}}",
        recipientCount: 1,
        createdByUserId: base.user.id,
      })
      .returning();
    await tx.insert(schema.outbox).values({
      tenantId,
      divisionId: base.divisionId,
      mailboxId: mailbox!.id,
      massMailingId: massMailing!.id,
      kind: "mass_mail",
      toAddresses: [{ address: contact!.email }],
      subject: "Our new opening hours",
      text: "Hello A Customer, …",
      messageId: `<mass-mail-${suffix}@${domain}>`,
    });
    return {
      agentMembershipId: agentMembership!.id,
      secondDivisionId: secondDivision!.id,
      inviteId: invite.id,
      templateId: template!.id,
      knowledgeBaseId: knowledgeBase!.id,
      articleId,
      categoryId: category!.id,
      mailboxId: mailbox!.id,
      ticketId: ticket!.id,
      contactId: contact!.id,
      massMailingId: massMailing!.id,
    };
  });
  return { ...base, agent: agent!, scope, ...ids };
}
