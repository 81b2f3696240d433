import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { openSecret } from "../../lib/secrets";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";
import { freePort } from "../setup/daemons";

const db = await testDatabase();

const INBOUND_PASSWORD = "Incoming-Password-1";
const SMTP_PASSWORD = "Outgoing Password 2 ";

let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink({ users: { "relay-user": SMTP_PASSWORD } });
});

afterAll(async () => {
  await sink?.stop();
});

function flags(divisionId: string, extra: Record<string, string> = {}): string[] {
  const all = {
    division: divisionId,
    name: "Support",
    address: "support@acme.test",
    protocol: "imap",
    host: "imap.acme.test",
    security: "tls",
    username: "support@acme.test",
    ...extra,
  };
  return Object.entries(all).flatMap(([name, value]) => [`--${name}`, value]);
}

async function storedRow(tenantId: string, mailboxId: string) {
  const [row] = await withTenant(db, tenantId, (tx) => tx.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)));
  return row!;
}

describe("postdesk mailbox add with an SMTP server", () => {
  it("reads both passwords from two lines of stdin, seals them, and shows the settings without them", async () => {
    const company = await makeTenant(db, "CliSmtp");
    const add = await postdesk(
      [
        "mailbox", "add",
        ...flags(company.divisionId, {
          "smtp-host": "SMTP.Acme.test",
          "smtp-security": "starttls",
          "smtp-username": "relay-user",
          "display-name": "Acme Support",
          "reply-to": "Help@Acme.test",
          "smtp-timeout-seconds": "20",
        }),
        "--password-stdin", "--smtp-password-stdin", "--json",
      ],
      { input: `${INBOUND_PASSWORD}\n${SMTP_PASSWORD}\n` },
    );
    const added = json(add);
    expect(added).toMatchObject({
      smtpHost: "smtp.acme.test",
      smtpPort: 587,
      smtpSecurity: "starttls",
      smtpAuthRequired: true,
      smtpSameCredentials: false,
      smtpUsername: "relay-user",
      smtpDisplayName: "Acme Support",
      smtpReplyTo: "help@acme.test",
      smtpTimeoutMs: 20_000,
      hasPassword: true,
      hasSmtpPassword: true,
    });

    const row = await storedRow(company.tenant.id, added.id);
    expect(row.smtpPasswordEnc).toMatch(/^v1\./);
    expect(row.smtpPasswordEnc).not.toContain(SMTP_PASSWORD.trim());
    expect(openSecret(row.smtpPasswordEnc!)).toBe(SMTP_PASSWORD);
    expect(openSecret(row.passwordEnc!)).toBe(INBOUND_PASSWORD);

    const shown = await postdesk(["mailbox", "show", "--mailbox", added.id, "--json"]);
    expect(json(shown)).toEqual(added);
    for (const output of [add.stdout, shown.stdout]) {
      expect(output).not.toContain(SMTP_PASSWORD.trim());
      expect(output).not.toContain(INBOUND_PASSWORD);
      expect(output).not.toMatch(/passwordEnc|"smtpPassword"|v1\./);
    }

    const human = await postdesk(["mailbox", "show", "--mailbox", added.id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^outgoing +smtp smtp\.acme\.test:587 \(starttls\)$/m);
    expect(human.stdout).toMatch(/^smtp sign-in +relay-user$/m);
    expect(human.stdout).toMatch(/^sender name +Acme Support$/m);
  });

  it("signs into the SMTP server with the incoming login unless told otherwise", async () => {
    const company = await makeTenant(db, "CliSmtpSame");
    const added = json(
      await postdesk(
        ["mailbox", "add", ...flags(company.divisionId, { "smtp-host": "smtp.acme.test", "smtp-security": "tls" }), "--password-stdin", "--json"],
        { input: INBOUND_PASSWORD },
      ),
    );
    expect(added).toMatchObject({ smtpPort: 465, smtpSameCredentials: true, smtpUsername: null, hasSmtpPassword: false });
    const relay = json(
      await postdesk(
        [
          "mailbox", "add",
          ...flags(company.divisionId, { name: "Relay", "smtp-host": "smtp.acme.test", "smtp-security": "none" }),
          "--smtp-no-auth", "--password-stdin", "--json",
        ],
        { input: INBOUND_PASSWORD },
      ),
    );
    expect(relay).toMatchObject({ smtpPort: 25, smtpAuthRequired: false, smtpSameCredentials: false });
  });

  it("names the flag that is wrong: an SMTP password missing from stdin, options without a server, two ways to sign in", async () => {
    const company = await makeTenant(db, "CliSmtpBad");
    const oneLine = await postdesk(
      [
        "mailbox", "add",
        ...flags(company.divisionId, { "smtp-host": "smtp.acme.test", "smtp-security": "tls", "smtp-username": "relay-user" }),
        "--password-stdin", "--smtp-password-stdin", "--json",
      ],
      { input: `${INBOUND_PASSWORD}\n` },
    );
    expect(oneLine.code).toBe(2);
    expect(JSON.parse(oneLine.stderr).error.fields).toEqual({
      "--smtp-password-stdin": ["is empty: put the SMTP password on the second line of stdin, after the incoming password"],
    });

    const threeLines = await postdesk(
      [
        "mailbox", "add",
        ...flags(company.divisionId, { "smtp-host": "smtp.acme.test", "smtp-security": "tls", "smtp-username": "relay-user" }),
        "--password-stdin", "--smtp-password-stdin",
      ],
      { input: "one\ntwo\nthree\n" },
    );
    expect(threeLines.code).toBe(2);
    expect(threeLines.stderr).toContain("stdin holds two lines");
    expect(threeLines.stderr).not.toContain("three");

    const noServer = await postdesk(
      ["mailbox", "add", ...flags(company.divisionId, { "smtp-port": "587", "smtp-username": "relay-user" }), "--smtp-no-auth", "--password-stdin"],
      { input: INBOUND_PASSWORD },
    );
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain("--smtp-port: needs --smtp-host");
    expect(noServer.stderr).toContain("--smtp-no-auth: cannot go with --smtp-username");

    const noSecurity = await postdesk(
      ["mailbox", "add", ...flags(company.divisionId, { "smtp-host": "smtp.acme.test", "smtp-username": "relay-user" }), "--password-stdin"],
      { input: INBOUND_PASSWORD },
    );
    expect(noSecurity.code).toBe(2);
    expect(noSecurity.stderr).toContain("--smtp-security: is required with --smtp-host");
    expect(noSecurity.stderr).toContain("--smtp-username: needs --smtp-password-stdin");

    const onArgv = await postdesk(["mailbox", "add", ...flags(company.divisionId), "--smtp-password", "argv-secret"]);
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toContain("--smtp-password is not accepted");
    expect(onArgv.stderr).not.toContain("argv-secret");

    expect(json(await postdesk(["mailbox", "list", "--division", company.divisionId, "--json"]))).toEqual([]);
  });
});

describe("postdesk mailbox test with an SMTP server", () => {
  async function addWithSmtp(divisionId: string, smtpPassword: string) {
    return json(
      await postdesk(
        [
          "mailbox", "add",
          ...flags(divisionId, {
            host: "127.0.0.1",
            port: String(await freePort()),
            security: "none",
            "smtp-host": sink.host,
            "smtp-port": String(sink.port),
            "smtp-security": "none",
            "smtp-username": "relay-user",
          }),
          "--password-stdin", "--smtp-password-stdin", "--json",
        ],
        { input: `${INBOUND_PASSWORD}\n${smtpPassword}` },
      ),
    );
  }

  it("tests the outgoing server beside the incoming one, and says which failed", async () => {
    const company = await makeTenant(db, "CliSmtpTest");
    const good = await addWithSmtp(company.divisionId, SMTP_PASSWORD);
    const tested = await postdesk(["mailbox", "test", "--mailbox", good.id, "--json"]);
    expect(tested.code).toBe(1);
    expect(JSON.parse(tested.stdout)).toMatchObject({
      ok: false,
      failure: "connectionRefused",
      smtp: { ok: true, failure: null, detail: null },
    });
    const human = await postdesk(["mailbox", "test", "--mailbox", good.id]);
    expect(human.stdout).toContain(`Connected to ${sink.host}:${sink.port} (SMTP, none) and logged in as relay-user.`);
    expect(human.stderr).toContain("the connection was refused");

    const wrong = await addWithSmtp(company.divisionId, "Not-The-Password");
    const refused = await postdesk(["mailbox", "test", "--mailbox", wrong.id]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${sink.host}:${sink.port} (SMTP, none) as relay-user: the server refused the username or password`);
    expect(refused.stderr).not.toContain("Not-The-Password");
    expect(sink.messages).toEqual([]);
  });
});
