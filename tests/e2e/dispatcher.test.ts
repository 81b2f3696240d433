import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { createDivision } from "../../lib/divisions/divisions";
import { dateFormatter } from "../../lib/i18n/dates";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * A division's dispatcher page in a real browser: a mailbox whose sign-in was refused explains itself
 * in Polish with what to do and since when; one whose processed mail stays marked deleted says so; Force Scheduler polls now, or says that a poll already
 * runs and starts nothing; the dispatcher goes off and on; an agent only watches.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("dispatcher");

/** The seed's own words for Force Scheduler while a poll runs. */
const SEED_ALREADY_RUNNING = "A poll is already running: clicking the Force Scheduler button will not have any effect.";

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000);

async function addMailbox(tenantId: string, divisionId: string, address: string, state: Partial<schema.Mailbox>) {
  const [mailbox] = await db
    .insert(schema.mailboxes)
    .values({
      tenantId,
      divisionId,
      name: address.split("@")[0]!,
      address,
      protocol: "imap",
      host: "imap.dispatcher.test",
      port: 993,
      security: "tls",
      username: address,
      ...state,
    })
    .returning();
  return mailbox!;
}

async function storeInbound(mailbox: schema.Mailbox) {
  const raw = Buffer.from(`Subject: ${unique()}\r\n\r\nHello.\r\n`);
  await db.insert(schema.inboundEmails).values({
    tenantId: mailbox.tenantId,
    mailboxId: mailbox.id,
    divisionId: mailbox.divisionId,
    uniqueKey: `import:${unique()}`,
    raw,
    size: raw.length,
    sha256: crypto.createHash("sha256").update(raw).digest("hex"),
    outcome: "ticket_created",
  });
}

async function nextPollAt(mailboxId: string) {
  const [row] = await db.select({ nextPollAt: schema.mailboxes.nextPollAt }).from(schema.mailboxes).where(eq(schema.mailboxes.id, mailboxId));
  return row!.nextPollAt;
}

describe("the dispatcher page in the browser", () => {
  it(
    "an owner sees in Polish why a mailbox's sign-in fails and since when; Force Scheduler polls now, or starts nothing while a poll runs",
    async () => {
      const owner = await makeTenant(db, "Dispatcher Co");
      const slug = owner.tenant.slug;
      const domain = `${unique()}.dispatcher.test`;
      const failingSince = minutesFromNow(-125);
      const failing = await addMailbox(owner.tenant.id, owner.divisionId, `support@${domain}`, {
        connectionState: "authFailed",
        lastErrorCode: "loginFailed",
        lastError: "AUTHENTICATIONFAILED Invalid credentials (Failure)",
        lastErrorAt: failingSince,
        failureCount: 5,
        lastPollAt: minutesFromNow(-3),
        nextPollAt: minutesFromNow(12),
      });
      const listening = await addMailbox(owner.tenant.id, owner.divisionId, `sales@${domain}`, {
        leaseOwner: "worker-e2e",
        leaseExpiresAt: minutesFromNow(10),
        idleSince: minutesFromNow(-30),
        lastPollAt: minutesFromNow(-30),
        nextPollAt: minutesFromNow(1),
        // Its server has neither MOVE nor UIDPLUS, and a colleague's deleted mail waits in INBOX.
        leftFlagged: 3,
      });
      await storeInbound(listening);
      await storeInbound(listening);
      const { context, page } = await newPage();
      const dispatcherPath = `/${slug}/settings/divisions/${owner.divisionId}/dispatcher`;
      const failingRow = page.locator(`tbody[data-mailbox="support@${domain}"]`);
      const listeningRow = page.locator(`tbody[data-mailbox="sales@${domain}"]`);
      const forceResult = page.getByTestId("force-result");
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);

        // From the division's settings to its dispatcher.
        await page.goto(url(`/pl/${slug}/settings/divisions/${owner.divisionId}`));
        await page.getByRole("link", { name: tPl("dispatcher.title"), exact: true }).click();
        await page.waitForURL(`**/pl${dispatcherPath}`);

        // The refused sign-in in plain Polish: what happened, what to do, since when, how often.
        const alert = failingRow.locator('[data-error-code="loginFailed"]');
        await alert.getByText(tPl("mailboxes.failures.loginFailed.title")).waitFor();
        await alert.getByText(tPl("mailboxes.failures.loginFailed.hint")).waitFor();
        await alert.getByText(tPl("dispatcher.failureCount", { count: 5 })).waitFor();
        const since = dateFormatter("pl").dateTime(failingSince, "dateTime");
        await alert.getByText(tPl("dispatcher.failingSince", { since })).waitFor();
        expect(await alert.textContent()).toContain("AUTHENTICATIONFAILED");
        // Its state, and that it is retried rarely on purpose; the list says how many need attention.
        await alert.getByText(tPl("dispatcher.retry.authFailed", { minutes: 15 })).waitFor();
        expect(await failingRow.getAttribute("data-state")).toBe("authFailed");
        expect(await failingRow.locator("[data-state-label]").textContent()).toBe(tPl("dispatcher.states.authFailed"));
        expect(await page.getByTestId("dispatcher-attention").textContent()).toContain(tPl("dispatcher.attention", { count: 1 }));
        // The other one listens over IDLE and brought two emails today.
        expect(await listeningRow.getAttribute("data-state")).toBe("idle");
        expect(await listeningRow.locator("[data-idle]").textContent()).toBe(tPl("dispatcher.idleOn"));
        expect(await listeningRow.locator("[data-ingested-today]").textContent()).toBe("2");
        expect(await failingRow.locator("[data-ingested-today]").textContent()).toBe("0");
        // The mail it had to leave behind marked deleted: how much, where, and what to do (Polish plural "few").
        const leftFlagged = listeningRow.locator('[data-left-flagged="3"]');
        await leftFlagged.getByText(tPl("dispatcher.leftFlagged.title", { count: 3, folder: "INBOX" })).waitFor();
        expect(tPl("dispatcher.leftFlagged.title", { count: 3, folder: "INBOX" })).toContain("3 przetworzone wiadomości nadal są");
        await leftFlagged.getByText(tPl("dispatcher.leftFlagged.hint", { folder: "INBOX" })).waitFor();
        expect(await failingRow.locator("[data-left-flagged]").count()).toBe(0);
        await screenshot(page, "60-dispatcher-failing-pl");

        // Nothing runs: both are due at once, the one in backoff too.
        await page.getByRole("button", { name: tPl("dispatcher.force") }).click();
        await forceResult.getByText(tPl("dispatcher.forceResult.scheduled", { count: 2 })).waitFor();
        const forcedAt = Date.now();
        expect((await nextPollAt(failing.id))!.getTime()).toBeLessThanOrEqual(forcedAt);
        expect((await nextPollAt(listening.id))!.getTime()).toBeLessThanOrEqual(forcedAt);
        await screenshot(page, "61-dispatcher-forced-pl");

        // A worker is polling the failing one now and the other is paused: the click starts nothing.
        const scheduledBefore = minutesFromNow(4);
        await db
          .update(schema.mailboxes)
          .set({ leaseOwner: "worker-e2e", leaseExpiresAt: minutesFromNow(10), idleSince: null, nextPollAt: scheduledBefore })
          .where(eq(schema.mailboxes.id, failing.id));
        await db.update(schema.mailboxes).set({ active: false }).where(eq(schema.mailboxes.id, listening.id));
        await page.reload();
        expect(await failingRow.getAttribute("data-state")).toBe("polling");
        await page.getByRole("button", { name: tPl("dispatcher.force") }).click();
        await forceResult.getByText(tPl("dispatcher.forceResult.alreadyRunning", { count: 1 })).waitFor();
        expect(await nextPollAt(failing.id)).toEqual(scheduledBefore);
        await screenshot(page, "62-dispatcher-already-running-pl");

        // Off: said at the top, and Force Scheduler waits for it to be on again.
        await page.getByRole("button", { name: tPl("dispatcher.deactivate") }).click();
        await page.getByText(tPl("dispatcher.offNotice.title")).waitFor();
        expect(await page.getByRole("button", { name: tPl("dispatcher.force") }).isDisabled()).toBe(true);
        await screenshot(page, "63-dispatcher-off-pl");
        await page.getByRole("button", { name: tPl("dispatcher.activate") }).click();
        await page.getByRole("button", { name: tPl("dispatcher.deactivate") }).waitFor();
        expect(await page.getByText(tPl("dispatcher.offNotice.title")).count()).toBe(0);

        // The seed's sentence, word for word, in English.
        await page.goto(url(`/en${dispatcherPath}`));
        await page.getByRole("button", { name: tEn("dispatcher.force") }).click();
        await forceResult.getByText(SEED_ALREADY_RUNNING).waitFor();
        expect(tEn("dispatcher.forceResult.alreadyRunning", { count: 1 })).toBe(SEED_ALREADY_RUNNING);
        expect(await nextPollAt(failing.id)).toEqual(scheduledBefore);
        await screenshot(page, "64-dispatcher-already-running-en");
      } catch (error) {
        await screenshot(page, "failure-dispatcher").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "an agent watches the dispatcher without its buttons, and a division without mailboxes says so",
    async () => {
      const owner = await makeTenant(db, "Dispatcher Agents");
      const empty = await withTenant(db, owner.tenant.id, (tx) =>
        createDivision(tx, operatorScope(owner.tenant.id), { name: "Sales", tag: "SALES" }),
      );
      const email = `agent-${unique()}@dispatcher.test`;
      const password = `Agent-Password-${unique()}`;
      const [user] = await db
        .insert(schema.users)
        .values({ email, name: "Ada Agent", passwordHash: await hashPassword(password) })
        .returning();
      await db.insert(schema.memberships).values({ tenantId: owner.tenant.id, userId: user!.id, role: "agent" });
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", email, password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en/${owner.tenant.slug}/settings/divisions/${empty.id}/dispatcher`));
        await page.getByText(tEn("dispatcher.emptyTitle")).waitFor();
        await page.getByText(tEn("dispatcher.onlyAdmins")).waitFor();
        for (const button of ["force", "deactivate", "activate"] as const) {
          expect(await page.getByRole("button", { name: tEn(`dispatcher.${button}`) }).count()).toBe(0);
        }
        await screenshot(page, "65-dispatcher-agent-empty-en");
      } catch (error) {
        await screenshot(page, "failure-dispatcher-agent").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
