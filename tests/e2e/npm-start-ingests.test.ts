import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { deliverOverLmtp } from "../setup/dovecot-desk";
import { json, postdesk } from "../setup/cli";
import { trustMailServer } from "../setup/poll-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn } from "./browser";

/**
 * `npm start` with nothing else: no DATABASE_URL (the embedded database), no Trigger.dev, no Redis.
 * A company and its IMAP mailbox are set up with the CLI first (the embedded database belongs to one
 * process at a time); then the app's own worker polls the mailbox, holds IDLE on it, and a mail
 * delivered over LMTP shows up in the queue within seconds.
 */

let dovecot: Dovecot;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-npm-start-"));
const address = `support-${Date.now().toString(36)}@mailco.test`;
const embedded = () => {
  const { DATABASE_URL: _shared, ...env } = process.env;
  return { ...env, POSTDESK_DATA_DIR: dataDir };
};
const owner = { email: "", password: "Correct-Horse-9" };

const { newPage, screenshot, signIn, failure } = browserTests("npm-start-ingests", async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
  await dovecot.addUser(address, "support-pw");
  owner.email = `owner-${Date.now().toString(36)}@mailco.test`;
  const company = json(
    await postdesk(
      ["tenant", "create", "--name", "Mailco", "--admin-email", owner.email, "--admin-password", owner.password, "--json"],
      { env: embedded() },
    ),
  );
  const login = dovecot.login(address, "imap", "tls");
  json(
    await postdesk(
      [
        "mailbox", "add", "--division", company.division.id, "--name", "Support", "--address", address,
        "--protocol", "imap", "--host", login.host, "--port", String(login.port), "--security", "tls",
        "--username", address, "--password-stdin", "--processed-folder", "Processed", "--json",
      ],
      { env: embedded(), input: "support-pw" },
    ),
  );
  return { databaseUrl: null, dataDir, worker: true };
});
afterAll(() => dovecot?.stop(), 30_000);

describe("npm start alone", () => {
  it(
    "ingests mail from an IMAP mailbox within seconds of delivery, over IDLE",
    async () => {
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(/\/en\/[^/]+\/tickets/);
        const queue = page.url();
        // Give the worker its first poll and the IDLE connection.
        await page.waitForTimeout(3_000);
        const delivered = Date.now();
        await deliverOverLmtp(dovecot, address, { subject: "The coffee machine is leaking" });
        let seenAfter = 0;
        for (let attempt = 0; attempt < 40 && !seenAfter; attempt++) {
          await page.goto(queue);
          if ((await page.getByText("The coffee machine is leaking").count()) > 0) seenAfter = Date.now() - delivered;
          else await page.waitForTimeout(250);
        }
        console.log(`npm start alone: mail delivered over LMTP was in the queue after ${seenAfter} ms (page reloads included)`);
        expect(seenAfter).toBeGreaterThan(0);
        expect(seenAfter).toBeLessThan(10_000);
        await screenshot(page, "66-npm-start-ingested-en");
        expect(await page.getByRole("heading", { level: 1 }).first().textContent()).toContain(tEn("tickets.title"));
      } catch (error) {
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
