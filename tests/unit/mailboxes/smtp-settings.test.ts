import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "@/lib/forms";
import { defaultSmtpPort } from "@/lib/mailboxes/ports";
import { mailboxSettingsSchema, usesOwnSmtpLogin } from "@/lib/mailboxes/settings";

/** A mailbox form as submitted: text fields as strings, checked boxes as "on", unchecked ones absent. */
function form(fields: Record<string, string> = {}) {
  return {
    name: "Support",
    address: "support@acme.test",
    protocol: "imap",
    host: "imap.acme.test",
    port: "",
    security: "tls",
    username: "support@acme.test",
    password: "",
    connectTimeoutSeconds: "30",
    active: "on",
    folder: "INBOX",
    smtpHost: "smtp.acme.test",
    smtpPort: "",
    smtpSecurity: "tls",
    smtpAuthRequired: "on",
    smtpSameCredentials: "on",
    smtpTimeoutSeconds: "30",
    ...fields,
  };
}

function fieldErrors(input: Record<string, unknown>) {
  const parsed = mailboxSettingsSchema.safeParse(input);
  return parsed.success ? {} : zodFieldErrors(parsed.error);
}

describe("the SMTP settings of a mailbox", () => {
  it.each([
    ["tls", 465],
    ["starttls", 587],
    ["none", 25],
  ] as const)("an empty port with %s security is the standard %i", (security, port) => {
    expect(defaultSmtpPort(security)).toBe(port);
    expect(mailboxSettingsSchema.parse(form({ smtpSecurity: security })).smtpPort).toBe(port);
  });

  it("keeps a port typed by hand", () => {
    expect(mailboxSettingsSchema.parse(form({ smtpSecurity: "starttls", smtpPort: "2525" })).smtpPort).toBe(2525);
  });

  it("without an SMTP server has no port, security or own login, and keeps the sender's name", () => {
    const settings = mailboxSettingsSchema.parse(
      form({ smtpHost: "  ", smtpPort: "2525", smtpUsername: "sender", smtpPassword: "pw", smtpDisplayName: " Acme Support " }),
    );
    expect(settings).toMatchObject({
      smtpHost: null,
      smtpPort: null,
      smtpSecurity: null,
      smtpUsername: null,
      smtpPassword: undefined,
      smtpDisplayName: "Acme Support",
    });
    expect(usesOwnSmtpLogin(settings)).toBe(false);
  });

  it("asks for a username only when the server signs in with a login of its own", () => {
    expect(fieldErrors(form({ smtpSameCredentials: "" }))).toEqual({ smtpUsername: ["required"] });
    expect(fieldErrors(form())).toEqual({});
    expect(fieldErrors(form({ smtpAuthRequired: "", smtpSameCredentials: "" }))).toEqual({});
    expect(fieldErrors(form({ smtpHost: "", smtpSameCredentials: "" }))).toEqual({});
  });

  it("keeps an own login as typed, and drops it when the incoming login is used", () => {
    const own = mailboxSettingsSchema.parse(
      form({ smtpSameCredentials: "", smtpUsername: "ACME\\sender", smtpPassword: " secret " }),
    );
    expect(own).toMatchObject({ smtpUsername: "ACME\\sender", smtpPassword: " secret " });
    expect(usesOwnSmtpLogin(own)).toBe(true);
    // An empty password field means "keep the stored one"; whether there is one is the lib's rule.
    expect(mailboxSettingsSchema.parse(form({ smtpSameCredentials: "", smtpUsername: "sender" })).smtpPassword).toBeUndefined();

    const same = mailboxSettingsSchema.parse(form({ smtpUsername: "sender", smtpPassword: "secret" }));
    expect(same).toMatchObject({ smtpSameCredentials: true, smtpUsername: null, smtpPassword: undefined });
  });

  it("refuses a bad host, port, timeout, reply-to address and a sender name over two lines", () => {
    expect(
      fieldErrors(
        form({
          smtpHost: "smtp acme",
          smtpPort: "0",
          smtpTimeoutSeconds: "301",
          smtpReplyTo: "not an address",
          smtpDisplayName: "Acme\r\nBcc: everyone@example.test",
        }),
      ),
    ).toEqual({
      smtpHost: ["hostFormat"],
      smtpPort: ["portRange"],
      smtpTimeoutSeconds: ["timeoutRange"],
      smtpReplyTo: ["invalidEmail"],
      smtpDisplayName: ["invalid"],
    });
  });

  it("takes an empty reply-to as the mailbox's own address, and lower-cases one given", () => {
    expect(mailboxSettingsSchema.parse(form({ smtpReplyTo: "" })).smtpReplyTo).toBeNull();
    expect(mailboxSettingsSchema.parse(form({ smtpReplyTo: "Help@Acme.test" })).smtpReplyTo).toBe("help@acme.test");
  });

  it("waits 30 seconds unless told otherwise, 5 to 300", () => {
    const { smtpTimeoutSeconds: _given, ...withoutTimeout } = form();
    expect(mailboxSettingsSchema.parse(withoutTimeout).smtpTimeoutSeconds).toBe(30);
    expect(mailboxSettingsSchema.parse(form({ smtpTimeoutSeconds: "5" })).smtpTimeoutSeconds).toBe(5);
    expect(fieldErrors(form({ smtpTimeoutSeconds: "4" }))).toEqual({ smtpTimeoutSeconds: ["timeoutRange"] });
  });
});
