import { describe, expect, it } from "vitest";
import { sanitizeSignatureHtml } from "../../../lib/mail/sanitize";
import { signatureText, signedReply } from "../../../lib/mail/signature";

describe("a reply's signature", () => {
  it("goes below the reply's text after the signature separator, and adds no HTML part when it is text only", () => {
    expect(signedReply("Thanks, it is fixed.\n\n", { html: null, text: "Anna Kowalska\nAcme Support" })).toEqual({
      text: "Thanks, it is fixed.\n\n-- \nAnna Kowalska\nAcme Support\n",
      html: null,
    });
  });

  it("with HTML, gives an HTML part with the reply escaped above it, and derives the text part when only HTML was written", () => {
    const signed = signedReply("1 < 2 & <b>not bold</b>", { html: "<p><b>Anna</b> · <a href=\"https://acme.test\">acme.test</a></p>", text: null });
    expect(signed.text).toBe("1 < 2 & <b>not bold</b>\n\n-- \nAnna · acme.test [https://acme.test]\n");
    expect(signed.html).toContain("1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;");
    expect(signed.html).toContain("-- <br>\n<p><b>Anna</b>");
    expect(signed.html!.indexOf("not bold")).toBeLessThan(signed.html!.indexOf("Anna"));
  });

  it("is left out when there is none, and the written text wins over the HTML's", () => {
    expect(signedReply("Hello", { html: null, text: "  " })).toEqual({ text: "Hello", html: null });
    expect(signatureText({ html: "<p>From HTML</p>", text: "Written" })).toBe("Written");
  });

  it("keeps a logo from an https address but no script, handler, or http image, once sanitized", () => {
    const clean = sanitizeSignatureHtml(
      '<img src="https://acme.test/logo.png" alt="Acme" onerror="alert(1)"><img src="http://acme.test/x.png"><script>alert(1)</script><a href="javascript:alert(1)">x</a>',
    );
    expect(clean).toMatch(/^<img alt="Acme" src="https:\/\/acme\.test\/logo\.png" \/>/);
    expect(clean).not.toMatch(/onerror|script|javascript|http:\/\//);
  });
});
