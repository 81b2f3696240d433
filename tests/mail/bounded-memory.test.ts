import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { attachments, inboundEmails, messages } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mailWithAttachment } from "../setup/mail-fixtures";
import { mailboxOnServer, trustMailServer } from "../setup/poll-fixtures";

/**
 * Issue 12, bounded memory: importing one big mail over IMAP (fetch, store, process, move) raises
 * the poller's resident memory by at most 150 MB for a 30 MB mail, and the mail is kept byte for
 * byte. The poll runs in a process of its own (ingest-memory-child.ts), so what is measured is the
 * ingest alone, not this test runner.
 */

const db = await testDatabase();
let dovecot: Dovecot;
let caFile: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const MB = 1024 * 1024;
const child = path.join(import.meta.dirname, "ingest-memory-child.ts");

function sha256(bytes: Buffer): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/** Delivers the mail to a fresh mailbox, polls it in a child process, and returns what it measured. */
async function importInChild(raw: Buffer) {
  const { company, scope, user, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "imap", processedFolder: "Processed" });
  await withTenant(db, company.tenant.id, (tx) =>
    updateDivisionSettings(tx, scope, company.divisionId, { maxMailSizeMegabytes: 50 }),
  );
  await dovecot.deliver(user, raw);
  const run = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", child], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      POSTDESK_MAIL_CA_FILE: caFile,
      TENANT_ID: company.tenant.id,
      MAILBOX_ID: mailbox.id,
    },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(run.status, run.stderr).toBe(0);
  const measured = JSON.parse(run.stdout) as {
    result: { ok: boolean; fetched: number };
    growth: number;
    growthByStep: Record<string, number>;
  };
  const steps = Object.entries(measured.growthByStep).map(([step, growth]) => `${step} ${(growth / MB).toFixed(1)}`);
  console.log(`${(raw.length / MB).toFixed(2)} MB mail: peak RSS growth ${(measured.growth / MB).toFixed(1)} MB (by step, up to: ${steps.join(", ")})`);
  return { ...measured, company, user, mailbox };
}

describe("importing a big mail", () => {
  it(
    "a 30 MB mail raises the poller's peak memory by at most 150 MB, is stored byte for byte and becomes a ticket",
    async () => {
      const { raw, attachment } = mailWithAttachment(30 * MB);
      const { result, growth, company, user, mailbox } = await importInChild(raw);
      expect(result).toMatchObject({ ok: true, fetched: 1 });
      expect(growth).toBeLessThanOrEqual(150 * MB);

      const stored = await withTenant(db, company.tenant.id, async (tx) => {
        const [row] = await tx
          .select({
            outcome: inboundEmails.outcome,
            size: inboundEmails.size,
            sha256: inboundEmails.sha256,
            digestOfStored: sql<string>`encode(sha256(${inboundEmails.raw}), 'hex')`,
          })
          .from(inboundEmails)
          .where(and(eq(inboundEmails.tenantId, company.tenant.id), eq(inboundEmails.mailboxId, mailbox.id)));
        const files = await tx
          .select({ size: attachments.size, sha256: attachments.sha256, digestOfStored: sql<string>`encode(sha256(${attachments.content}), 'hex')` })
          .from(attachments)
          .innerJoin(messages, eq(messages.id, attachments.messageId))
          .where(eq(attachments.tenantId, company.tenant.id));
        return { row, files };
      });
      expect(stored.row).toEqual({ outcome: "ticket_created", size: raw.length, sha256: sha256(raw), digestOfStored: sha256(raw) });
      expect(stored.files).toEqual([
        { size: attachment.length, sha256: sha256(attachment), digestOfStored: sha256(attachment) },
      ]);
      expect(await dovecot.listFolder(user, "Processed")).toHaveLength(1);
    },
    180_000,
  );

  it(
    "a 50 kB mail costs the poller little memory",
    async () => {
      const { raw } = mailWithAttachment(50 * 1024);
      const { result, growth } = await importInChild(raw);
      expect(result).toMatchObject({ ok: true, fetched: 1 });
      expect(growth).toBeLessThanOrEqual(40 * MB);
    },
    120_000,
  );
});
