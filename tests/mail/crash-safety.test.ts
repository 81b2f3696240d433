import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { drainMailbox, expectEachMailOnce, mailboxOnServer, mixedMails, setSpamDomains, trustMailServer } from "../setup/poll-fixtures";

/**
 * Nothing is lost, nothing is made twice: a poller killed with SIGKILL at each point where a mail
 * changes hands (stored; processed but not yet moved or deleted; in the middle of a batch) leaves
 * every mail either fully ingested once or still on the server, and the next poll finishes the job.
 */

const db = await testDatabase();
let dovecot: Dovecot;
let caFile: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const child = path.join(import.meta.dirname, "poll-child.ts");

function pollAndCrash(tenantId: string, mailboxId: string, crashAt: string, after: number) {
  const run = spawnSync(process.execPath, ["--import", "tsx", child], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      POSTDESK_MAIL_CA_FILE: caFile,
      TENANT_ID: tenantId,
      MAILBOX_ID: mailboxId,
      CRASH_AT: crashAt,
      CRASH_AFTER: String(after),
    },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(run.signal, run.stderr).toBe("SIGKILL");
}

describe("a poller killed at any point", () => {
  it(
    "IMAP: 200 mails, killed after storing, after committing before the move, and mid-batch: each mail once, folders right",
    async () => {
      const { company, user, mailbox } = await mailboxOnServer(db, dovecot, {
        protocol: "imap",
        processedFolder: "Processed",
        unprocessedFolder: "Unprocessed",
      });
      await setSpamDomains(db, company.tenant.id, company.divisionId);
      for (const raw of mixedMails(200)) await dovecot.deliver(user, raw);

      pollAndCrash(company.tenant.id, mailbox.id, "stored", 7);
      pollAndCrash(company.tenant.id, mailbox.id, "processed", 15);
      pollAndCrash(company.tenant.id, mailbox.id, "acknowledged", 60);
      pollAndCrash(company.tenant.id, mailbox.id, "processed", 30);
      await drainMailbox(db, company.tenant.id, mailbox.id);

      const rows = await expectEachMailOnce(db, company.tenant.id, mailbox.id, 200);
      const unprocessed = rows.filter((r) => r.outcome === "unprocessed").length;
      expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(0);
      expect(await dovecot.listFolder(user, "Processed")).toHaveLength(200 - unprocessed);
      expect(await dovecot.listFolder(user, "Unprocessed")).toHaveLength(unprocessed);
    },
    240_000,
  );

  it(
    "POP3: killed after committing but before QUIT, the deletions never happened; the next poll deletes without re-ingesting",
    async () => {
      const { company, user, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "pop3" });
      for (const raw of mixedMails(40)) await dovecot.deliver(user, raw);
      pollAndCrash(company.tenant.id, mailbox.id, "stored", 5);
      pollAndCrash(company.tenant.id, mailbox.id, "processed", 20);
      expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(40);
      await drainMailbox(db, company.tenant.id, mailbox.id);
      const rows = await expectEachMailOnce(db, company.tenant.id, mailbox.id, 40);
      const unprocessed = rows.filter((r) => r.outcome === "unprocessed").length;
      // Unprocessed mail stays on a POP3 server; everything else is gone.
      expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(unprocessed);
    },
    180_000,
  );
});
