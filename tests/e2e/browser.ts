import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { createTranslator } from "next-intl";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject } from "vitest";
import en from "../../messages/en.json";
import pl from "../../messages/pl.json";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";
import { until } from "../setup/until";
import { type AppServer, startAppServer } from "./app-server";

/**
 * What every browser test file shares: the production app on its own port, headless Chromium, the
 * SMTP sink the app sends its account mail to (sign-up links, password resets: POSTDESK_SMTP_URL),
 * and the message catalogues, so tests look for what a user reads. Call `browserTests(name)` at the
 * top of a file; it starts them before the file's tests and stops them after.
 */

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = path.join(process.cwd(), "test-results", "e2e");
// The first run builds the app (2–3 minutes on two cores); each scenario then takes well under one.
const SETUP_TIMEOUT_MS = 10 * 60_000;
export const SCENARIO_TIMEOUT_MS = 3 * 60_000;
const STEP_TIMEOUT_MS = 30_000;

export const tPl = createTranslator({ locale: "pl", messages: pl });
export const tEn = createTranslator({ locale: "en", messages: en });

type Locale = "en" | "pl";

/**
 * A real app server and Chromium for one test file. `prepare` runs before the server starts and may
 * give it other options (its own embedded database, the embedded worker).
 */
export function browserTests(
  name: string,
  prepare: () => Promise<Partial<Parameters<typeof startAppServer>[0]>> = async () => ({}),
) {
  let server: AppServer | undefined;
  let browser: Browser | undefined;
  let accountMail: SmtpSink | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error("Chromium is missing: run `apt-get install -y chromium` (npm test installs it on Debian as root)");
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // One log per file: the files run in parallel, each with its own server.
    const logFile = path.join(SCREENSHOTS, `server-${name}.log`);
    fs.rmSync(logFile, { force: true });
    accountMail = await startSmtpSink();
    const prepared = await prepare();
    server = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      logFile,
      ...prepared,
      env: {
        // The sink is plain SMTP on loopback, without STARTTLS.
        POSTDESK_SMTP_URL: `smtp://${accountMail.host}:${accountMail.port}/?requireTLS=false`,
        POSTDESK_MAIL_FROM: "Postdesk <no-reply@postdesk.test>",
        ...prepared.env,
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await accountMail?.stop();
  }, 60_000);

  function url(pathname: string): string {
    return `${server!.url}${pathname}`;
  }

  /** After the sign-up form said "we sent a link": follow it, create the company, sign in. */
  async function finishSignUp(page: Page, locale: Locale, input: { email: string; password: string }): Promise<{ slug: string }> {
    const t = locale === "pl" ? tPl : tEn;
    const { link } = await accountMailTo(input.email, `/${locale}/sign-up/verify/`);
    await page.goto(link);
    await page.getByRole("button", { name: t("signUp.verify.submit") }).click();
    await page.waitForURL(`**/${locale}/sign-in?**`);
    await page.getByText(t("signIn.created")).waitFor();
    expect(await page.getByLabel(t("signIn.email")).inputValue()).toBe(input.email);
    await page.getByLabel(t("signIn.password")).fill(input.password);
    await page.getByRole("button", { name: t("signIn.submit"), exact: true }).click();
    await page.waitForURL(new RegExp(`/${locale}/[a-z0-9-]+/tickets$`));
    return { slug: new URL(page.url()).pathname.split("/")[2]! };
  }

  return {
    url,
    serverUrl: () => server!.url,

    async newPage(): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser!.newContext({
        viewport: { width: 1280, height: 860 },
        locale: "en-US",
        // A client address of its own for the sign-in throttle, as a trusted proxy would pass it on
        // (app-server.ts). Only a header: nothing is sent to that address.
        extraHTTPHeaders: { "x-forwarded-for": `198.18.${crypto.randomInt(256)}.${crypto.randomInt(1, 255)}` },
      });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      return { context, page };
    },

    async screenshot(page: Page, file: string, options: { fullPage?: boolean } = {}): Promise<void> {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${file}.png`), fullPage: options.fullPage ?? true });
    },

    async heading(page: Page): Promise<string> {
      return (await page.getByRole("heading", { level: 1 }).first().textContent())?.trim() ?? "";
    },

    async signIn(page: Page, locale: Locale, email: string, password: string): Promise<void> {
      const t = locale === "pl" ? tPl : tEn;
      await page.goto(url(`/${locale}/sign-in`));
      await page.getByLabel(t("signIn.email")).fill(email);
      await page.getByLabel(t("signIn.password")).fill(password);
      // Exact: "Sign in with …" buttons for providers stand beside it.
      await page.getByRole("button", { name: t("signIn.submit"), exact: true }).click();
    },

    accountMailTo,

    /**
     * Signs a company up as a person does: the form, then the link in the mail, then the button
     * that creates the company, then signing in. Ends on the company's ticket queue.
     */
    async signUp(
      page: Page,
      locale: Locale,
      input: { companyName: string; name: string; email: string; password: string },
    ): Promise<{ slug: string }> {
      const t = locale === "pl" ? tPl : tEn;
      await page.goto(url(`/${locale}/sign-up`));
      await page.getByLabel(t("signUp.companyName")).fill(input.companyName);
      await page.getByLabel(t("signUp.adminName")).fill(input.name);
      await page.getByLabel(t("signUp.email")).fill(input.email);
      await page.getByLabel(t("signUp.password")).fill(input.password);
      await page.getByRole("button", { name: t("signUp.submit") }).click();
      await page.getByText(t("signUp.sent", { email: input.email })).waitFor();
      return finishSignUp(page, locale, input);
    },

    finishSignUp,

    /** A failed step's error with the end of the server's log, which usually says why. */
    failure(error: unknown): Error {
      return new Error(`${(error as Error).message}\n--- server log ---\n${server?.log().slice(-3000)}`, { cause: error });
    },
  };

  /**
   * The newest account mail to `address` with a link to a path starting with `path`, decoded, and
   * that link; waits for it (the app sends it right after answering the request).
   */
  async function accountMailTo(address: string, path: string): Promise<{ subject: string; text: string; link: string }> {
    return until(
      `account mail to ${address} with a link to ${path}`,
      async () => {
        for (const message of accountMail!.messages.filter((m) => m.envelope.to.includes(address)).reverse()) {
          const parsed = await simpleParser(message.raw);
          const text = parsed.text ?? "";
          const link = linkIn(text, path);
          if (link) return { subject: parsed.subject ?? "", text, link };
        }
        return null;
      },
      20_000,
      () => server?.log() ?? "",
    );
  }
}

/** The first link in a mail's text whose path starts with `path`; null when there is none. */
/** How wide the page is laid out: more than the viewport means it scrolls sideways. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

export function linkIn(text: string, path: string): string | null {
  return text.match(/https?:\/\/\S+/g)?.find((candidate) => new URL(candidate).pathname.startsWith(path)) ?? null;
}
