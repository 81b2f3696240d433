import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn } from "./browser";

/**
 * With no address configured (neither POSTDESK_URL nor NEXTAUTH_URL), links in mail lead to where
 * the app was first opened, not to http://localhost:3000: the app runs on a port of its own here,
 * with PORT unset, as `npm start -- --port 3100` would.
 */
const { newPage, signUp, accountMailTo, serverUrl, url, screenshot, failure } = browserTests("public-address-first-seen", async () => ({
  unset: ["NEXTAUTH_URL", "POSTDESK_URL", "PORT"],
}));

describe("the public address first seen", () => {
  it(
    "is where the sign-up link in the mail leads, and the settings page says where it came from, with nothing to warn of",
    async () => {
      const { context, page } = await newPage();
      try {
        const suffix = crypto.randomBytes(4).toString("hex");
        const email = `owner-${suffix}@first-seen.test`;
        // signUp follows the link of the mail it was sent: it leads to this server, not to port 3000.
        const { slug } = await signUp(page, "en", {
          companyName: `First Seen ${suffix}`,
          name: "First Owner",
          email,
          password: `Correct-Horse-${suffix}`,
        });
        const { link } = await accountMailTo(email, "/en/sign-up/verify/");
        expect(new URL(link).origin).toBe(serverUrl());

        await page.goto(url(`/en/${slug}/settings`));
        await page.getByRole("heading", { level: 2, name: tEn("settings.publicAddress.title") }).waitFor();
        expect(await page.getByTestId("public-address").textContent()).toBe(serverUrl());
        await page.getByText(tEn("settings.publicAddress.source.firstSeen")).waitFor();
        expect(await page.locator('[data-testid^="public-address-"][role="alert"]').count()).toBe(0);
        await screenshot(page, "231-public-address-first-seen-en");
      } catch (error) {
        await screenshot(page, "failure-public-address-first-seen").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
