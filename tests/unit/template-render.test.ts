import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "../../lib/forms";
import { locales } from "../../lib/i18n/routing";
import { defaultTemplates } from "../../lib/templates/defaults";
import { previewTemplate, sampleValues } from "../../lib/templates/preview";
import { placeholderNames, renderTemplate, unknownPlaceholders } from "../../lib/templates/render";
import { newTemplateSchema, templateTextSchema } from "../../lib/templates/templates";

describe("renderTemplate", () => {
  it("fills every placeholder, with or without spaces inside the braces", () => {
    expect(renderTemplate("[{{tag}}#{{ ticketNumber }}] {{subject}}", { tag: "ACME", ticketNumber: 1042, subject: "Help" })).toBe(
      "[ACME#1042] Help",
    );
  });

  it("fills a placeholder used twice both times", () => {
    expect(renderTemplate("{{tag}} and {{tag}}", { tag: "X" })).toBe("X and X");
  });

  it("leaves nothing of a placeholder without a value, rather than braces in a customer's mail", () => {
    expect(renderTemplate("Hello {{customerName}}, {{foo}}!", {})).toBe("Hello , !");
  });

  it("keeps braces that are not a placeholder", () => {
    expect(renderTemplate("{single} {{two words}} {{}}", { tag: "X" })).toBe("{single} {{two words}} {{}}");
  });
});

describe("unknownPlaceholders", () => {
  it("names placeholders no mail fills in, once each, in order", () => {
    expect(unknownPlaceholders("{{foo}} {{tag}} {{ ticketNumbr }} {{foo}}")).toEqual(["foo", "ticketNumbr"]);
  });

  it("finds none in a text of known placeholders only", () => {
    expect(unknownPlaceholders(placeholderNames.map((name) => `{{${name}}}`).join(" "))).toEqual([]);
  });

  it("finds none in any built-in template", () => {
    for (const locale of locales) {
      for (const text of Object.values(defaultTemplates[locale])) {
        expect(unknownPlaceholders(`${text.subject}\n${text.body}`), `${locale} ${text.name}`).toEqual([]);
      }
    }
  });

  it("is case-sensitive, as the renderer is", () => {
    expect(unknownPlaceholders("{{TicketNumber}}")).toEqual(["TicketNumber"]);
  });
});

describe("the template editor's validation", () => {
  const valid = { name: "Ticket received", subject: "[{{tag}}#{{ticketNumber}}] {{subject}}", body: "Hello {{customerName}}" };

  function errorsOf(input: Record<string, unknown>) {
    const parsed = newTemplateSchema.safeParse({ kind: "confirmation", locale: "en", ...input });
    return parsed.success ? {} : zodFieldErrors(parsed.error);
  }

  it("accepts a template that uses only known placeholders", () => {
    expect(errorsOf(valid)).toEqual({});
  });

  it("refuses an unknown placeholder in the subject or body, naming the field", () => {
    expect(errorsOf({ ...valid, subject: "{{foo}}" })).toEqual({ subject: ["unknownPlaceholder"] });
    expect(errorsOf({ ...valid, body: "Dear {{customer}}" })).toEqual({ body: ["unknownPlaceholder"] });
  });

  it("limits the subject to 200 characters and the body to 20000", () => {
    expect(errorsOf({ ...valid, subject: "x".repeat(200) })).toEqual({});
    expect(errorsOf({ ...valid, subject: "x".repeat(201) })).toEqual({ subject: ["tooLong"] });
    expect(errorsOf({ ...valid, body: "x".repeat(20_000) })).toEqual({});
    expect(errorsOf({ ...valid, body: "x".repeat(20_001) })).toEqual({ body: ["tooLong"] });
  });

  it("requires a name, a subject and a body", () => {
    expect(errorsOf({ name: " ", subject: "", body: "\n" })).toEqual({
      name: ["required"],
      subject: ["required"],
      body: ["required"],
    });
  });

  it("takes only the app's languages and the template kinds", () => {
    expect(errorsOf({ ...valid, locale: "de", kind: "newsletter" })).toEqual({
      locale: ["invalidChoice"],
      kind: ["invalidChoice"],
    });
  });

  it("trims the text it stores", () => {
    expect(templateTextSchema.parse({ ...valid, subject: "  Hi  ", body: "\nBody\n\n" })).toMatchObject({
      subject: "Hi",
      body: "Body",
    });
  });
});

describe("previewTemplate", () => {
  it("renders subject and body with sample values and the division's tag", () => {
    const preview = previewTemplate(defaultTemplates.en.confirmation, "en", { tag: "ACME", name: "Support" });
    expect(preview.subject).toBe("[ACME#1042] The printer in room 12 does not print");
    expect(preview.body).toContain("Hello Jan Kowalski,");
    expect(preview.body).toContain("ACME#1042");
  });

  it("uses sample texts in the template's language", () => {
    const preview = previewTemplate({ subject: "{{subject}}", body: "{{reason}}" }, "pl", { tag: "POM", name: "Pomoc" });
    expect(preview).toEqual({ subject: "Drukarka w pokoju 12 nie drukuje", body: "Wiadomość jest większa, niż przyjmuje ten dział." });
  });

  it("has a sample for every placeholder, so a preview never shows a gap a real mail would fill", () => {
    for (const locale of locales) {
      const values = sampleValues(locale, { tag: "ACME", name: "Support" });
      for (const name of placeholderNames) expect(String(values[name]), `${locale} ${name}`).not.toBe("");
    }
  });
});
