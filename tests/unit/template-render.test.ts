import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "../../lib/forms";
import { locales } from "../../lib/i18n/routing";
import { defaultTemplates } from "../../lib/templates/defaults";
import { previewTemplate, sampleValues } from "../../lib/templates/preview";
import { fillPlaceholders, placeholdersFor, renderTemplate, unknownPlaceholders } from "../../lib/templates/render";
import { newTemplateSchema, templateKinds, templateTextSchema } from "../../lib/templates/templates";

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

describe("fillPlaceholders", () => {
  it("fills dotted names as canned replies write them, and keeps a name it has no value for as written", () => {
    const values = new Map([["customer.name", "Jan"]]);
    expect(fillPlaceholders("Hi {{ customer.name }}, {{customer.nmae}}", (name) => values.get(name))).toBe(
      "Hi Jan, {{customer.nmae}}",
    );
  });

  it("never fills a mail template's placeholder from the object's prototype", () => {
    expect(renderTemplate("{{constructor}}{{toString}}", {})).toBe("");
  });

  it("ends a sentence after a value with its own period with one period, as 'Sp. z o.o.' does", () => {
    const company = { divisionName: "Kowalski Sp. z o.o." };
    expect(renderTemplate("Zespół {{divisionName}}.", company)).toBe("Zespół Kowalski Sp. z o.o.");
    expect(renderTemplate("Zespół {{divisionName}}.", { divisionName: "Acme" })).toBe("Zespół Acme.");
  });

  it("leaves a value with a period in the middle of a sentence as it is", () => {
    const values = { divisionName: "Kowalski Sp. z o.o.", customerName: "Jan" };
    expect(renderTemplate("{{divisionName}} dziękuje, {{customerName}}!", values)).toBe("Kowalski Sp. z o.o. dziękuje, Jan!");
  });

  it("gives canned replies the same one period", () => {
    expect(fillPlaceholders("Pozdrawiamy, {{division.name}}.", () => "Kowalski Sp. z o.o.")).toBe("Pozdrawiamy, Kowalski Sp. z o.o.");
  });
});

describe("the built-in Polish templates", () => {
  it("greet with 'Dzień dobry,' and no name, which Polish would have to put in the vocative", () => {
    for (const kind of ["confirmation", "mass_mail"] as const) {
      expect(defaultTemplates.pl[kind].body.startsWith("Dzień dobry,\n\n"), kind).toBe(true);
    }
    for (const kind of templateKinds) {
      expect(defaultTemplates.pl[kind].body, kind).not.toMatch(/Dzień dobry \{\{/);
    }
  });
});

describe("placeholdersFor", () => {
  it("does not offer a confirmation's customer a link: there is no page of the ticket for them", () => {
    expect(placeholdersFor("confirmation")).not.toContain("link");
  });

  it("offers every notice to staff a link to what it is about", () => {
    for (const kind of ["notify_unprocessed", "notify_new_ticket", "notify_assignment"] as const) {
      expect(placeholdersFor(kind), kind).toContain("link");
    }
  });

  it("offers a reason only in notices about unprocessed email, and no ticket number there", () => {
    const withReason = templateKinds.filter((kind) => (placeholdersFor(kind) as readonly string[]).includes("reason"));
    expect(withReason).toEqual(["notify_unprocessed"]);
    expect(placeholdersFor("notify_unprocessed")).not.toContain("ticketNumber");
  });
});

describe("unknownPlaceholders", () => {
  it("names placeholders no mail fills in, once each, in order", () => {
    expect(unknownPlaceholders("{{foo}} {{tag}} {{ ticketNumbr }} {{foo}}", "confirmation")).toEqual(["foo", "ticketNumbr"]);
  });

  it("names a placeholder that another kind of mail fills in but this one does not", () => {
    expect(unknownPlaceholders("{{link}} {{reason}} {{tag}}", "confirmation")).toEqual(["link", "reason"]);
    expect(unknownPlaceholders("{{ticketNumber}}", "notify_unprocessed")).toEqual(["ticketNumber"]);
  });

  it("finds none in a text of the kind's own placeholders", () => {
    for (const kind of templateKinds) {
      expect(unknownPlaceholders(placeholdersFor(kind).map((name) => `{{${name}}}`).join(" "), kind), kind).toEqual([]);
    }
  });

  it("finds none in any built-in template, each checked against its own kind", () => {
    for (const locale of locales) {
      for (const kind of templateKinds) {
        const text = defaultTemplates[locale][kind];
        expect(unknownPlaceholders(`${text.subject}\n${text.body}`, kind), `${locale} ${kind}`).toEqual([]);
      }
    }
  });

  it("is case-sensitive, as the renderer is", () => {
    expect(unknownPlaceholders("{{TicketNumber}}", "confirmation")).toEqual(["TicketNumber"]);
  });
});

describe("the template editor's validation", () => {
  const valid = { name: "Ticket received", subject: "[{{tag}}#{{ticketNumber}}] {{subject}}", body: "Hello {{customerName}}" };

  function errorsOf(input: Record<string, unknown>) {
    const parsed = newTemplateSchema.safeParse({ kind: "confirmation", locale: "en", ...input });
    return parsed.success ? {} : zodFieldErrors(parsed.error);
  }

  function updateErrorsOf(kind: (typeof templateKinds)[number], input: Record<string, unknown>) {
    const parsed = templateTextSchema(kind).safeParse({ ...valid, ...input });
    return parsed.success ? {} : zodFieldErrors(parsed.error);
  }

  it("accepts a template that uses only known placeholders", () => {
    expect(errorsOf(valid)).toEqual({});
  });

  it("refuses an unknown placeholder in the subject or body, naming the field", () => {
    expect(errorsOf({ ...valid, subject: "{{foo}}" })).toEqual({ subject: ["unknownPlaceholder"] });
    expect(errorsOf({ ...valid, body: "Dear {{customer}}" })).toEqual({ body: ["unknownPlaceholder"] });
  });

  it("refuses a placeholder the template's kind does not fill in, on create and on change, naming the field", () => {
    expect(errorsOf({ ...valid, body: "See {{link}}" })).toEqual({ body: ["placeholderNotInKind"] });
    expect(updateErrorsOf("confirmation", { subject: "{{reason}}" })).toEqual({ subject: ["placeholderNotInKind"] });
    expect(errorsOf({ ...valid, kind: "notify_new_ticket", body: "See {{link}}" })).toEqual({});
    expect(updateErrorsOf("notify_assignment", { body: "See {{link}}" })).toEqual({});
  });

  it("calls a text with a typo and another kind's placeholder unknown, the more likely mistake", () => {
    expect(errorsOf({ ...valid, body: "{{link}} {{ticketNumbr}}" })).toEqual({ body: ["unknownPlaceholder"] });
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
    expect(templateTextSchema("confirmation").parse({ ...valid, subject: "  Hi  ", body: "\nBody\n\n" })).toMatchObject({
      subject: "Hi",
      body: "Body",
    });
  });
});

describe("previewTemplate", () => {
  it("renders subject and body with sample values and the division's tag", () => {
    const preview = previewTemplate({ kind: "confirmation", ...defaultTemplates.en.confirmation }, "en", {
      tag: "ACME",
      name: "Support",
    });
    expect(preview.subject).toBe("[ACME#1042] The printer in room 12 does not print");
    expect(preview.body).toContain("Hello Jan Kowalski,");
    expect(preview.body).toContain("ACME#1042");
  });

  it("uses sample texts in the template's language", () => {
    const preview = previewTemplate({ kind: "notify_unprocessed", subject: "{{subject}}", body: "{{reason}}" }, "pl", {
      tag: "POM",
      name: "Pomoc",
    });
    expect(preview).toEqual({ subject: "Drukarka w pokoju 12 nie drukuje", body: "Wiadomość jest większa, niż przyjmuje ten dział." });
  });

  it("has a sample for every placeholder of every kind, so a preview never shows a gap a real mail would fill", () => {
    for (const locale of locales) {
      const values = sampleValues(locale, { tag: "ACME", name: "Support" });
      for (const kind of templateKinds) {
        for (const name of placeholdersFor(kind)) expect(String(values[name] ?? ""), `${locale} ${kind} ${name}`).not.toBe("");
      }
    }
  });

  it("shows a placeholder the kind does not fill in as the nothing a real mail would send", () => {
    const preview = previewTemplate({ kind: "confirmation", subject: "{{tag}}: {{link}}", body: "{{reason}}." }, "en", {
      tag: "ACME",
      name: "Support",
    });
    expect(preview).toEqual({ subject: "ACME: ", body: "." });
  });
});
