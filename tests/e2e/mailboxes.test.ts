import crypto from "node:crypto";
import net from "node:net";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { hashPassword } from "../../lib/auth/password";
import { dateFormatter } from "../../lib/i18n/dates";
import { makeTenant, testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { recordingServer } from "../setup/listener";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Mail settings and what the inbound pipeline leaves for people, in a real browser: adding a mailbox
 * with "Test connection" explaining a refused and a silent server, the protocol lock after the first
 * download, the read-only view of an agent, the notification bell, and the waiting list.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("mailboxes");

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

/** A loopback port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A member with the agent role in the owner's company, able to sign in. */
async function addAgent(tenantId: string) {
  const email = `agent-${unique()}@agents.test`;
  const password = `Agent-Password-${unique()}`;
  const [user] = await db
    .insert(schema.users)
    .values({ email, name: "Ada Agent", passwordHash: await hashPassword(password) })
    .returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent" });
  return { email, password };
}

function rawMail(headers: Record<string, string>, body = "Hello.") {
  const text = `${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\r\n")}\r\n\r\n${body}\r\n`;
  return Buffer.from(text);
}

async function storeInbound(
  tenantId: string,
  divisionId: string,
  raw: Buffer,
  fields: { outcome: schema.InboundOutcome; reason?: string; receivedAt?: Date },
) {
  await db.insert(schema.inboundEmails).values({
    tenantId,
    divisionId,
    uniqueKey: `import:${crypto.createHash("sha256").update(raw).digest("hex")}`,
    raw,
    size: raw.length,
    sha256: crypto.createHash("sha256").update(raw).digest("hex"),
    outcome: fields.outcome,
    reason: fields.reason ?? null,
    receivedAt: fields.receivedAt ?? new Date(),
  });
}

describe("mailboxes in the browser", () => {
  it(
    "an owner adds an IMAP mailbox after Test connection explains a refused and a silent server; it locks its protocol once mail was downloaded; an agent only reads it",
    async () => {
      const owner = await makeTenant(db, "Mailbox Co");
      const refusedPort = await closedPort();
      const silent = await recordingServer();
      const { context, page } = await newPage();
      const { context: agentContext, page: agentPage } = await newPage();
      const slug = owner.tenant.slug;
      const listPath = `/${slug}/settings/divisions/${owner.divisionId}/mailboxes`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);

        // From the division's settings to its (empty) list of mailboxes, and on to a new one.
        await page.goto(url(`/en/${slug}/settings/divisions/${owner.divisionId}`));
        await page.getByRole("link", { name: new RegExp(tEn("mailboxes.title")) }).click();
        await page.waitForURL(`**/en${listPath}`);
        await page.getByText(tEn("mailboxes.emptyTitle")).waitFor();
        await page.getByRole("link", { name: tEn("mailboxes.add") }).click();
        await page.waitForURL(`**/en${listPath}/new`);

        const port = page.getByLabel(tEn("mailboxForm.fields.port.label"), { exact: true });
        expect(await port.inputValue()).toBe("993");
        await page.getByLabel(tEn("mailboxForm.fields.name.label"), { exact: true }).fill("Support");
        await page.getByLabel(tEn("mailboxForm.fields.address.label")).fill("support@mailbox.test");
        await page.getByLabel(tEn("mailboxForm.fields.host.label"), { exact: true }).fill("127.0.0.1");
        // Security follows the standard port along; "Use defaults" brings back a port typed over.
        await page.getByLabel(tEn("mailboxForm.fields.security.label")).selectOption("none");
        expect(await port.inputValue()).toBe("143");
        await port.fill("1234");
        await page.getByRole("button", { name: tEn("mailboxForm.fields.port.useDefaults") }).click();
        expect(await port.inputValue()).toBe("143");
        await page.getByLabel(tEn("mailboxForm.fields.username.label")).fill("support\\shared-mailbox");
        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill("mailbox-secret");
        await page.getByLabel(tEn("mailboxForm.fields.connectTimeoutSeconds.label")).fill("5");

        // Nothing listens: refused, said in words, with the host and port it tried.
        await port.fill(String(refusedPort));
        const outcome = page.getByTestId("connection-outcome");
        await page.getByRole("button", { name: tEn("mailboxForm.test.run") }).click();
        await outcome.getByText(tEn("mailboxes.failures.connectionRefused.title")).waitFor();
        await outcome
          .getByText(
            tEn("mailboxes.failures.connectionRefused.hint", {
              host: "127.0.0.1",
              port: String(refusedPort),
              seconds: 5,
              protocol: "IMAP",
            }),
          )
          .waitFor();
        await screenshot(page, "20-mailbox-refused-en");
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, "20-mailbox-refused-en-phone");
        await page.setViewportSize({ width: 1280, height: 860 });

        // Something listens and never answers: a timeout, within the mailbox's 5 seconds (and some).
        await port.fill(String(silent.port));
        const started = Date.now();
        await page.getByRole("button", { name: tEn("mailboxForm.test.run") }).click();
        await outcome.getByText(tEn("mailboxes.failures.timeout.title")).waitFor({ timeout: 25_000 });
        expect(Date.now() - started).toBeLessThan(20_000);
        await outcome
          .getByText(tEn("mailboxes.failures.timeout.hint", { host: "127.0.0.1", port: String(silent.port), seconds: 5, protocol: "IMAP" }))
          .waitFor();
        await screenshot(page, "21-mailbox-timeout-en");

        // Saved, it is listed, not yet checked.
        await page.getByRole("button", { name: tEn("mailboxForm.create") }).click();
        await page.waitForURL(`**/en${listPath}`);
        const row = page.locator('[data-mailbox="support@mailbox.test"]');
        await row.getByText("Support", { exact: true }).waitFor();
        await row.getByText(tEn("mailboxes.protocols.imap"), { exact: true }).waitFor();
        await row.getByText(tEn("mailboxes.neverPolled")).waitFor();
        await page.getByText(tEn("mailboxes.count", { count: 1 })).waitFor();
        await screenshot(page, "22-mailboxes-en");
        await page.goto(url(`/pl${listPath}`));
        await page.getByText(tPl("mailboxes.count", { count: 1 })).waitFor();
        await screenshot(page, "22-mailboxes-pl");
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, "22-mailboxes-pl-phone");
        await page.setViewportSize({ width: 1280, height: 860 });

        const [stored] = await db
          .select()
          .from(schema.mailboxes)
          .where(and(eq(schema.mailboxes.tenantId, owner.tenant.id), eq(schema.mailboxes.address, "support@mailbox.test")));
        expect(stored).toMatchObject({
          protocol: "imap",
          security: "none",
          port: silent.port,
          username: "support\\shared-mailbox",
          connectTimeoutMs: 5000,
        });
        expect(stored!.passwordEnc).not.toContain("mailbox-secret");

        // Once mail has been downloaded the protocol is fixed; the form says why and what to do.
        const firstDownloadAt = new Date("2026-03-14T12:00:00Z");
        await db.update(schema.mailboxes).set({ firstDownloadAt }).where(eq(schema.mailboxes.id, stored!.id));
        await page.goto(url(`/en${listPath}/${stored!.id}`));
        const since = dateFormatter("en").dateTime(firstDownloadAt, "date");
        await page
          .getByText(tEn("mailboxForm.fields.protocol.locked", { protocol: "IMAP", other: "POP3", since }))
          .waitFor();
        expect(await page.getByRole("radio", { name: new RegExp(tEn("mailboxes.protocols.pop3")) }).isDisabled()).toBe(true);
        await page.getByText(tEn("mailboxForm.fields.password.helpKeep")).waitFor();
        // Saving still works: the locked protocol goes along, the empty password keeps the stored one.
        await page.getByLabel(tEn("mailboxForm.fields.name.label"), { exact: true }).fill("Support desk");
        // "Mark incoming mail as private", off until ticked, is saved with the rest.
        const privateMail = page.getByLabel(tEn("mailboxForm.fields.privateMail.label"));
        expect(await privateMail.isChecked()).toBe(false);
        await page.getByText(tEn("mailboxForm.fields.privateMail.help")).waitFor();
        await privateMail.check();
        await page.getByRole("button", { name: tEn("mailboxForm.save") }).click();
        await page.getByText(tEn("mailboxForm.saved")).waitFor();
        await screenshot(page, "23-mailbox-locked-en");
        const [saved] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, stored!.id));
        expect(saved).toMatchObject({ name: "Support desk", protocol: "imap", passwordEnc: stored!.passwordEnc, privateMail: true });
        await page.goto(url(`/pl${listPath}/${stored!.id}`));
        const sincePl = dateFormatter("pl").dateTime(firstDownloadAt, "date");
        await page
          .getByText(tPl("mailboxForm.fields.protocol.locked", { protocol: "IMAP", other: "POP3", since: sincePl }))
          .waitFor();
        expect(await page.getByLabel(tPl("mailboxForm.fields.privateMail.label")).isChecked()).toBe(true);
        await screenshot(page, "23-mailbox-locked-pl");

        // An agent sees the list and the settings, changes nothing, and cannot test.
        const agent = await addAgent(owner.tenant.id);
        await signIn(agentPage, "en", agent.email, agent.password);
        await agentPage.waitForURL(`**/en/${slug}/tickets`);
        await agentPage.goto(url(`/en${listPath}`));
        await agentPage.getByText(tEn("mailboxes.readOnly")).waitFor();
        expect(await agentPage.getByRole("link", { name: tEn("mailboxes.add") }).count()).toBe(0);
        await agentPage.locator('[data-mailbox="support@mailbox.test"]').getByRole("link").click();
        await agentPage.getByText(tEn("mailboxes.onlyAdmins")).waitFor();
        expect(await agentPage.locator("#name").isDisabled()).toBe(true);
        expect(await agentPage.getByRole("button", { name: tEn("mailboxForm.test.run") }).count()).toBe(0);
        await screenshot(agentPage, "24-mailbox-agent-en");
      } catch (error) {
        await screenshot(page, "failure-mailboxes").catch(() => {});
        await screenshot(agentPage, "failure-mailboxes-agent").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
        await agentContext.close();
        await silent.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("a mailbox against a real IMAP and POP3 server", () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  }, 60_000);
  afterAll(() => dovecot?.stop());

  it(
    "Test connection names a refused login and lists the folders; a missing processed folder is created on the server once the admin confirms; POP3 counts the mail",
    async () => {
      const owner = await makeTenant(db, "Dovecot Co");
      const user = `helpdesk${unique()}`;
      const password = `Mailbox-${unique()}`;
      await dovecot.addUser(user, password);
      for (const n of [1, 2]) await dovecot.deliver(user, rawMail({ From: "customer@example.test", Subject: `Question ${n}` }));
      const { context, page } = await newPage();
      const newPath = `/${owner.tenant.slug}/settings/divisions/${owner.divisionId}/mailboxes/new`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en${newPath}`));
        await page.getByLabel(tEn("mailboxForm.fields.security.label")).selectOption("none");
        await page.getByLabel(tEn("mailboxForm.fields.host.label"), { exact: true }).fill("127.0.0.1");
        await page.getByLabel(tEn("mailboxForm.fields.port.label"), { exact: true }).fill(String(dovecot.ports.imap));
        await page.getByLabel(tEn("mailboxForm.fields.username.label")).fill(user);
        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill("not-the-password");
        const outcome = page.getByTestId("connection-outcome");
        const test = page.getByRole("button", { name: tEn("mailboxForm.test.run") });
        await test.click();
        await outcome.getByText(tEn("mailboxes.failures.loginFailed.title")).waitFor();
        await outcome.getByText(tEn("mailboxes.failures.loginFailed.hint")).waitFor();
        await screenshot(page, "28-mailbox-login-refused-en");

        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill(password);
        await test.click();
        await outcome.getByText(tEn("mailboxForm.test.okImap", { count: 1 })).waitFor();
        await outcome.getByText("INBOX", { exact: true }).waitFor();

        // The processed folder is not on the server: the form offers to create it, and does.
        await page.getByLabel(tEn("mailboxForm.fields.processedFolder.label")).fill("Processed");
        await page.getByText(tEn("mailboxForm.folders.createPrompt", { folder: "Processed" })).waitFor();
        await screenshot(page, "29-mailbox-create-folder-en");
        await page.getByRole("button", { name: tEn("mailboxForm.folders.create") }).click();
        await page.getByText(tEn("mailboxForm.folders.created", { folder: "Processed" })).waitFor();
        expect(await page.getByText(tEn("mailboxForm.folders.createPrompt", { folder: "Processed" })).count()).toBe(0);
        expect(await dovecot.listFolder(user, "Processed")).toEqual([]);
        await page.getByRole("button", { name: tEn("mailboxForm.folders.load") }).click();
        await page.getByText(tEn("mailboxForm.folders.loaded", { count: 2 })).waitFor();
        await screenshot(page, "29-mailbox-folders-en");

        // POP3, in Polish: the two mails are counted, none taken.
        await page.goto(url(`/pl${newPath}`));
        await page.getByRole("radio", { name: new RegExp(tPl("mailboxes.protocols.pop3")) }).check();
        await page.getByLabel(tPl("mailboxForm.fields.security.label")).selectOption("none");
        await page.getByLabel(tPl("mailboxForm.fields.host.label"), { exact: true }).fill("127.0.0.1");
        await page.getByLabel(tPl("mailboxForm.fields.port.label"), { exact: true }).fill(String(dovecot.ports.pop3));
        await page.getByLabel(tPl("mailboxForm.fields.username.label")).fill(user);
        await page.getByLabel(tPl("mailboxForm.fields.password.label")).fill(password);
        await page.getByRole("button", { name: tPl("mailboxForm.test.run") }).click();
        await outcome.getByText(tPl("mailboxForm.test.okPop3", { count: 2 })).waitFor();
        await page.getByText(tPl("mailboxForm.fields.pop3LeaveCopy.keep")).click();
        await page.getByLabel(tPl("mailboxForm.fields.pop3RemoveAfterDays.label")).waitFor();
        await screenshot(page, "30-mailbox-pop3-pl");
        expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(2);
      } catch (error) {
        await screenshot(page, "failure-mailbox-dovecot").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
  it(
    "a saved password signs in only where it was saved for: another port needs it typed again, and nothing is sent there before",
    async () => {
      const owner = await makeTenant(db, "Vault Co");
      const user = `vault${unique()}`;
      const password = `Mailbox-${unique()}`;
      await dovecot.addUser(user, password);
      const elsewhere = await recordingServer();
      const { context, page } = await newPage();
      const mailboxesPath = `/${owner.tenant.slug}/settings/divisions/${owner.divisionId}/mailboxes`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        // With loopback allowed (POSTDESK_MAIL_HOSTS_ALLOW, as the tests set it), `localhost` is reached.
        await page.goto(url(`/en${mailboxesPath}/new`));
        await page.getByLabel(tEn("mailboxForm.fields.name.label"), { exact: true }).fill("Vault");
        await page.getByLabel(tEn("mailboxForm.fields.address.label")).fill(`${user}@vault.test`);
        await page.getByLabel(tEn("mailboxForm.fields.security.label")).selectOption("none");
        await page.getByLabel(tEn("mailboxForm.fields.host.label"), { exact: true }).fill("localhost");
        await page.getByLabel(tEn("mailboxForm.fields.port.label"), { exact: true }).fill(String(dovecot.ports.imap));
        await page.getByLabel(tEn("mailboxForm.fields.username.label")).fill(user);
        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill(password);
        const outcome = page.getByTestId("connection-outcome");
        const test = page.getByRole("button", { name: tEn("mailboxForm.test.run") });
        await test.click();
        await outcome.getByText(tEn("mailboxForm.test.okImap", { count: 1 })).waitFor();
        await page.getByRole("button", { name: tEn("mailboxForm.create") }).click();
        await page.waitForURL(`**/en${mailboxesPath}`);
        const [saved] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.tenantId, owner.tenant.id));

        // The saved mailbox, tested as saved: the stored password stands in for the empty field.
        await page.goto(url(`/en${mailboxesPath}/${saved!.id}`));
        await page.getByText(tEn("mailboxForm.fields.password.helpKeep")).waitFor();
        await test.click();
        await outcome.getByText(tEn("mailboxForm.test.okImap", { count: 1 })).waitFor();

        // Pointed at another port with the field empty: refused before anything connects.
        await page.getByLabel(tEn("mailboxForm.fields.port.label"), { exact: true }).fill(String(elsewhere.port));
        await page.getByLabel(tEn("mailboxForm.fields.connectTimeoutSeconds.label")).fill("5");
        await test.click();
        await page.getByText(tEn("errors.reenterForNewServer")).first().waitFor();
        await screenshot(page, "31-mailbox-password-for-saved-server-en");
        await page.getByRole("button", { name: tEn("mailboxForm.save") }).click();
        await page.getByText(tEn("errors.reenterForNewServer")).first().waitFor();
        expect(elsewhere.connections()).toBe(0);
        const [unchanged] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, saved!.id));
        expect(unchanged!.port).toBe(dovecot.ports.imap);

        // Typed again, the test goes there, with what was typed.
        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill("typed-for-elsewhere");
        await test.click();
        await outcome.getByText(tEn("mailboxes.failures.timeout.title")).waitFor({ timeout: 25_000 });
        expect(elsewhere.connections()).toBe(1);
        expect(elsewhere.received()).not.toContain(password);
      } catch (error) {
        await screenshot(page, "failure-mailbox-vault").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
        await elsewhere.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("what the inbound pipeline leaves for people", () => {
  it(
    "a notification about an unprocessed email rings the bell, explains itself and can be marked read",
    async () => {
      const owner = await makeTenant(db, "Bell Co");
      const [notification] = await db
        .insert(schema.notifications)
        .values({
          tenantId: owner.tenant.id,
          userId: owner.user.id,
          kind: "inbound.unprocessed",
          data: {
            divisionId: owner.divisionId,
            inboundEmailId: crypto.randomUUID(),
            reason: "tooLarge",
            subject: "Scans of every invoice",
            from: "big@customer.test",
          },
        })
        .returning();
      const { context, page } = await newPage();
      const slug = owner.tenant.slug;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.getByRole("link", { name: tEn("shell.notifications", { count: 1 }) }).click();
        await page.waitForURL(`**/en/${slug}/notifications`);
        const item = page.locator(`[data-notification="${notification!.id}"]`);
        await item.getByText(tEn("notifications.inboundUnprocessed.title", { subject: "Scans of every invoice" })).waitFor();
        await item
          .getByText(tEn("notifications.inboundUnprocessed.reason", { reason: tEn("notifications.unprocessedReasons.tooLarge.label") }), {
            exact: false,
          })
          .waitFor();
        await item.getByText(tEn("notifications.unprocessedReasons.tooLarge.hint")).waitFor();
        await screenshot(page, "25-notifications-en");
        await page.goto(url(`/pl/${slug}/notifications`));
        await page.getByRole("link", { name: tPl("shell.notifications", { count: 1 }) }).waitFor();
        await item.getByText(tPl("notifications.unprocessedReasons.tooLarge.hint")).waitFor();
        await screenshot(page, "25-notifications-pl");

        await item.getByRole("button", { name: tPl("notifications.markRead") }).click();
        await page.getByRole("link", { name: tPl("shell.notifications", { count: 0 }) }).waitFor();
        await page.getByText(tPl("notifications.unread", { count: 0 })).waitFor();
        expect(await item.getByText(tPl("notifications.new"), { exact: true }).count()).toBe(0);
        const [read] = await db.select().from(schema.notifications).where(eq(schema.notifications.id, notification!.id));
        expect(read!.readAt).not.toBeNull();
        await screenshot(page, "26-notifications-read-pl");
      } catch (error) {
        await screenshot(page, "failure-notifications").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "emails on the waiting list are listed newest first with their reasons, and filtered by division",
    async () => {
      const owner = await makeTenant(db, "Waiting Co");
      const [sales] = await db
        .insert(schema.divisions)
        .values({ tenantId: owner.tenant.id, name: "Sales", tag: `S${unique().toUpperCase()}` })
        .returning();
      const tenantId = owner.tenant.id;
      await storeInbound(
        tenantId,
        owner.divisionId,
        rawMail({ From: "Jan Kowalski <Jan@Klient.test>", Subject: "=?UTF-8?Q?Zam=C3=B3wienie_nr_42?=" }),
        { outcome: "waiting_list", reason: "unknownSender", receivedAt: new Date(Date.now() - 3_600_000) },
      );
      await storeInbound(
        tenantId,
        sales!.id,
        rawMail({ From: "mailer@vacation.test", Subject: "Out of office", "Auto-Submitted": "auto-replied" }),
        { outcome: "waiting_list", reason: "autoReply" },
      );
      await storeInbound(tenantId, owner.divisionId, rawMail({ From: "known@customer.test", Subject: "Became a ticket" }), {
        outcome: "ticket_created",
      });
      const { context, page } = await newPage();
      const slug = owner.tenant.slug;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.getByRole("link", { name: tEn("nav.waitingList") }).click();
        await page.waitForURL(`**/en/${slug}/waiting-list`);
        await page.getByText(tEn("waitingList.count", { count: 2 })).waitFor();
        const rows = page.locator("[data-inbound-email]");
        // Newest first: the auto-reply arrived after the order.
        await rows.nth(0).getByText("Out of office").waitFor();
        await rows.nth(0).getByText(tEn("waitingList.reasons.autoReply")).waitFor();
        await rows.nth(1).getByText("Zamówienie nr 42").waitFor();
        await rows.nth(1).getByText("Jan Kowalski").waitFor();
        await rows.nth(1).getByText("jan@klient.test").waitFor();
        await rows.nth(1).getByText(tEn("waitingList.reasons.unknownSender")).waitFor();
        expect(await page.getByText("Became a ticket").count()).toBe(0);
        await screenshot(page, "27-waiting-list-en");

        await page.getByRole("link", { name: "Sales" }).click();
        await page.waitForURL(`**/en/${slug}/waiting-list?division=${sales!.id}`);
        await page.getByText(tEn("waitingList.count", { count: 1 })).waitFor();
        expect(await rows.count()).toBe(1);
        await rows.nth(0).getByText("Out of office").waitFor();

        await page.goto(url(`/pl/${slug}/waiting-list`));
        await page.getByText(tPl("waitingList.count", { count: 2 })).waitFor();
        await page.getByText(tPl("waitingList.reasons.unknownSender")).waitFor();
        await screenshot(page, "27-waiting-list-pl");
      } catch (error) {
        await screenshot(page, "failure-waiting-list").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
