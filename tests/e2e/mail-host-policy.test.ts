import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTenant, testDatabase } from "../setup/db";
import { type RecordingServer, recordingServer } from "../setup/listener";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * A hosted Postdesk does not connect into its own network for a tenant: this app runs without
 * POSTDESK_MAIL_HOSTS_ALLOW, so loopback is refused as any private range would be. Only loopback
 * is used to prove it: a listener there counts what reaches it.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("mail-host-policy", async () => ({
  env: { POSTDESK_MAIL_HOSTS_ALLOW: "" },
}));

describe("mail hosts in private networks", () => {
  let listener: RecordingServer;
  beforeAll(async () => {
    listener = await recordingServer();
  });
  afterAll(() => listener?.close());

  it(
    "Test connection and Load folders to 127.0.0.1 and to localhost are refused without connecting, in words that name no port state",
    async () => {
      const owner = await makeTenant(db, "Probe Co");
      const { context, page } = await newPage();
      const newPath = `/${owner.tenant.slug}/settings/divisions/${owner.divisionId}/mailboxes/new`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en${newPath}`));
        await page.getByLabel(tEn("mailboxForm.fields.security.label")).selectOption("none");
        await page.getByLabel(tEn("mailboxForm.fields.port.label"), { exact: true }).fill(String(listener.port));
        await page.getByLabel(tEn("mailboxForm.fields.username.label")).fill("probe");
        await page.getByLabel(tEn("mailboxForm.fields.password.label")).fill("probe-password");
        await page.getByLabel(tEn("mailboxForm.fields.connectTimeoutSeconds.label")).fill("5");
        const outcome = page.getByTestId("connection-outcome");
        for (const host of ["127.0.0.1", "localhost"]) {
          await page.getByLabel(tEn("mailboxForm.fields.host.label"), { exact: true }).fill(host);
          await page.getByRole("button", { name: tEn("mailboxForm.test.run") }).click();
          await outcome.getByText(tEn("mailboxes.failures.addressRefused.title")).waitFor();
          await outcome.getByText(tEn("mailboxes.failures.addressRefused.hint", { host })).waitFor();
          const said = (await outcome.textContent()) ?? "";
          expect(said).not.toContain(String(listener.port));
          expect(said).not.toContain(tEn("mailboxes.failures.connectionRefused.title"));
          expect(said).not.toContain(tEn("mailboxes.failures.timeout.title"));
        }
        await screenshot(page, "32-mailbox-address-refused-en");

        await page.getByRole("button", { name: tEn("mailboxForm.folders.load") }).click();
        await page.getByText(tEn("mailboxes.failures.addressRefused.title")).first().waitFor();

        // In Polish, the same answer.
        await page.goto(url(`/pl${newPath}`));
        await page.getByLabel(tPl("mailboxForm.fields.security.label")).selectOption("none");
        await page.getByLabel(tPl("mailboxForm.fields.host.label"), { exact: true }).fill("127.0.0.1");
        await page.getByLabel(tPl("mailboxForm.fields.port.label"), { exact: true }).fill(String(listener.port));
        await page.getByLabel(tPl("mailboxForm.fields.username.label")).fill("probe");
        await page.getByLabel(tPl("mailboxForm.fields.password.label")).fill("probe-password");
        await page.getByRole("button", { name: tPl("mailboxForm.test.run") }).click();
        await outcome.getByText(tPl("mailboxes.failures.addressRefused.title")).waitFor();
        await screenshot(page, "32-mailbox-address-refused-pl");

        expect(listener.connections()).toBe(0);
      } catch (error) {
        await screenshot(page, "failure-mail-host-policy").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
