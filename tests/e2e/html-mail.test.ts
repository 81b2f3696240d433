import crypto from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { makeTenant, testDatabase } from "../setup/db";
import { receiveMail } from "../setup/receive";
import { recordingServer } from "../setup/listener";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * The HTML view of a mail in a real browser: a hostile mail's HTML runs nothing and loads nothing
 * (a listener on a loopback port is the witness) until "show images", and then only its images;
 * "always for this sender" is one member's choice; an inline (cid:) image shows.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("html-mail");

const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/** Every trick a mail's HTML could try, each aimed at the listener under a path of its own. */
function hostileHtml(listener: string): string {
  return `<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0;url=${listener}/meta-refresh">
<base href="${listener}/base/">
<style>@import url("${listener}/css-import"); body { background: url("${listener}/css-url") }</style>
<script>fetch("${listener}/script"); window.top.document.title = "pwned";</script>
</head><body>
<p>Zamówienie nr 7 nie dotarło. <b>Proszę o pomoc.</b></p>
<img src="cid:logo@customer.test" alt="logo">
<img src="${listener}/remote-image.png" alt="tracker" width="20" height="20">
<img src="x" onerror="fetch('${listener}/onerror')">
<body onload="fetch('${listener}/onload')">
<svg><script>fetch("${listener}/svg-script")</script><image href="${listener}/svg-image"/></svg>
<a href="javascript:fetch('${listener}/javascript-link')">kliknij</a>
<div style="background-image: url('${listener}/style-url')">tło</div>
<form action="${listener}/form" method="post"><input name="password" value="x"><button>Zaloguj</button></form>
<iframe src="${listener}/iframe"></iframe>
<object data="${listener}/object"></object>
<link rel="stylesheet" href="${listener}/link">
<blockquote>Wcześniejsza wiadomość: <i>cytat</i></blockquote>
</body></html>`;
}

function hostileMail(listener: string): Buffer {
  const lines = [
    "From: Jan Kowalski <jan@customer.test>",
    "To: support@html.test",
    "Subject: Zamówienie nr 7",
    "Date: Mon, 23 Nov 2026 10:00:00 +0100",
    `Message-ID: <${crypto.randomUUID()}@customer.test>`,
    "MIME-Version: 1.0",
    'Content-Type: multipart/related; boundary="REL"',
    "",
    "--REL",
    "Content-Type: text/html; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from(hostileHtml(listener)).toString("base64").replace(/.{76}/g, "$&\r\n"),
    "--REL",
    "Content-Type: image/png",
    "Content-Transfer-Encoding: base64",
    "Content-ID: <logo@customer.test>",
    "Content-Disposition: inline; filename=logo.png",
    "",
    PIXEL,
    "--REL--",
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "utf8");
}

/**
 * A help desk with the hostile mail, made a ticket (or held on the waiting list), and an agent
 * besides its owner.
 */
async function helpDeskWithHostileMail(listener: string, { hold = false } = {}) {
  const owner = await makeTenant(db, "Html Co");
  const scope = operatorScope(owner.tenant.id);
  await withTenant(db, owner.tenant.id, async (tx) => {
    await updateDivisionSettings(tx, scope, owner.divisionId, {
      sendConfirmations: false,
      ...(hold ? { automationMode: "waiting_list" as const } : {}),
    });
  });
  const raw = hostileMail(listener);
  const { ticketId, inboundEmailId } = await receiveMail(db, { tenantId: owner.tenant.id, divisionId: owner.divisionId }, raw);
  const agent = { email: `agent-${crypto.randomBytes(4).toString("hex")}@html.test`, password: "Agent-Password-7a" };
  const [user] = await db
    .insert(schema.users)
    .values({ email: agent.email, name: "Ada Agent", passwordHash: await hashPassword(agent.password) })
    .returning();
  await db.insert(schema.memberships).values({ tenantId: owner.tenant.id, userId: user!.id, role: "agent" });
  return { owner, agent, ticketId: ticketId!, inboundEmailId };
}

/** The request lines the listener received ("GET /path"), in order. */
function requests(received: string): string[] {
  return [...received.matchAll(/^([A-Z]+) (\S+) HTTP\/1\.[01]$/gm)].map((match) => `${match[1]} ${match[2]}`);
}

async function mailFrame(page: Page) {
  const frame = page.locator("iframe[data-mail-html]");
  await frame.waitFor();
  const content = await (await frame.elementHandle())!.contentFrame();
  await content!.getByText("Zamówienie nr 7 nie dotarło.").waitFor();
  return content!;
}

describe("an HTML mail in the browser", () => {
  it(
    "runs nothing and loads nothing until images are shown, then only its images; always-for-this-sender is one member's choice",
    async () => {
      const listener = await recordingServer();
      const listenerUrl = `http://127.0.0.1:${listener.port}`;
      const { owner, agent, ticketId } = await helpDeskWithHostileMail(listenerUrl);
      const ticketPath = `/pl/${owner.tenant.slug}/tickets/${ticketId}`;
      const { context, page } = await newPage();
      const { context: agentContext, page: agentPage } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${owner.tenant.slug}/tickets`);
        await page.goto(url(ticketPath));
        const frame = await mailFrame(page);
        const title = await page.title();

        // Sandboxed with neither scripts nor an origin.
        expect(await page.locator("iframe[data-mail-html]").getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
        // The inline image shows, from the mail itself.
        await expect.poll(() => frame.locator('img[alt="logo"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
        // The quote is folded, the text before it shows.
        expect(await frame.locator("details > summary").textContent()).toBe(tPl("ticket.message.showQuoted"));
        expect(await frame.locator("details").getAttribute("open")).toBeNull();
        // Nothing of the attacks is left in the document, and nothing ran.
        expect(await frame.locator("script, form, input, iframe, object, svg, base, meta[http-equiv=refresh], link, style").count()).toBe(0);
        expect(await frame.locator("[onerror], [onload], a[href^=javascript]").count()).toBe(0);
        await frame.getByText("kliknij").click();
        await page.waitForTimeout(1500);
        expect(await page.title()).toBe(title);
        expect(page.url()).toBe(url(ticketPath));
        expect(listener.connections()).toBe(0);

        await page.locator("[data-images-blocked]").getByText(tPl("ticket.message.imagesBlocked", { count: 1 })).waitFor();
        await screenshot(page, "150-html-mail-images-blocked-pl");

        // "Show images" for this message: the remote image, and nothing else, is requested.
        await page.getByRole("link", { name: tPl("ticket.message.showImages") }).click();
        await page.waitForURL(`**${ticketPath}?images=*`, { waitUntil: "domcontentloaded" });
        await expect.poll(() => requests(listener.received()), { timeout: 15_000 }).toContain("GET /remote-image.png");
        await page.waitForTimeout(1000);
        expect(new Set(requests(listener.received()))).toEqual(new Set(["GET /remote-image.png"]));
        expect(await page.locator("[data-images-blocked]").count()).toBe(0);

        // Per message only: the ticket's own address holds them back again.
        await page.goto(url(ticketPath));
        await mailFrame(page);
        const always = page.getByRole("button", { name: tPl("ticket.message.alwaysShowImages", { address: "jan@customer.test" }) });
        await always.click();
        // The page loads anew at the address that asks for images: the page's policy comes with the
        // document. Not until "load": the listener never answers, so the image never finishes loading.
        await page.waitForURL(`**${ticketPath}?images=always`, { waitUntil: "domcontentloaded", timeout: 15_000 });
        await expect.poll(() => page.locator("[data-images-blocked]").count()).toBe(0);
        // The ticket's own address leads there from now on.
        await page.goto(url(ticketPath), { waitUntil: "commit", timeout: 15_000 });
        await page.waitForURL(`**${ticketPath}?images=always`, { waitUntil: "domcontentloaded", timeout: 15_000 });
        await page.reload({ waitUntil: "domcontentloaded" });
        const shown = await mailFrame(page);
        expect(await shown.locator('img[alt="tracker"]').getAttribute("src")).toBe(`${listenerUrl}/remote-image.png`);
        expect(await page.locator("[data-images-blocked]").count()).toBe(0);

        // Another member of the company has not chosen so.
        await signIn(agentPage, "pl", agent.email, agent.password);
        await agentPage.waitForURL(`**/${owner.tenant.slug}/tickets`);
        await agentPage.goto(url(ticketPath));
        const agentFrame = await mailFrame(agentPage);
        await agentPage.locator("[data-images-blocked]").waitFor();
        expect(await agentFrame.locator('img[alt="tracker"]').getAttribute("src")).toBeNull();
      } catch (error) {
        throw failure(error);
      } finally {
        await context.close();
        await agentContext.close();
        await listener.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "held on the waiting list, reads the same: its inline image shows, and its remote image loads only when shown",
    async () => {
      const listener = await recordingServer();
      const { owner, inboundEmailId } = await helpDeskWithHostileMail(`http://127.0.0.1:${listener.port}`, { hold: true });
      const entryPath = `/pl/${owner.tenant.slug}/waiting-list/${inboundEmailId}`;
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${owner.tenant.slug}/tickets`);
        await page.goto(url(entryPath));
        const frame = await mailFrame(page);
        await expect.poll(() => frame.locator('img[alt="logo"]').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
        expect(await frame.locator("script, form, iframe, svg").count()).toBe(0);
        await page.waitForTimeout(1000);
        expect(listener.connections()).toBe(0);

        await page.getByRole("link", { name: tPl("ticket.message.showImages") }).click();
        await page.waitForURL(`**${entryPath}?images=1`, { waitUntil: "domcontentloaded" });
        await expect.poll(() => requests(listener.received()), { timeout: 15_000 }).toContain("GET /remote-image.png");
        expect(new Set(requests(listener.received()))).toEqual(new Set(["GET /remote-image.png"]));
      } catch (error) {
        throw failure(error);
      } finally {
        await context.close();
        await listener.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
