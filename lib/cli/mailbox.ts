import { mailProtocolEnum, mailSecurityEnum, ticketPriorityEnum } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import { zodFieldErrors } from "@/lib/forms";
import { classifyMailError } from "@/lib/mail/connection-error";
import type { MailServerTestResult } from "@/lib/mail/mail-server-test";
import type { MailConnectionFailure } from "@/lib/mail/types";
import {
  createMailbox,
  getMailbox,
  inboundLogin,
  listMailboxes,
  type MailboxView,
  outboundLogin,
  viewOf,
} from "@/lib/mailboxes/mailboxes";
import { removeMailbox, setDefaultMailbox } from "@/lib/mailboxes/removal";
import { type MailboxSettings, type MailboxSettingsInput, mailboxSettingsSchema } from "@/lib/mailboxes/settings";
import { type Command, InvalidInputError, type OptionSpec, type OptionValues, readSecretFromStdin, UsageError } from "./command";
import { describeConnectionFailure } from "./connection-failures";
import { optionErrors } from "./field-messages";
import { divisionOption, mailboxOption, tenantOfDivision, tenantOfMailbox } from "./lookup";
import { labelled, moment, table } from "./output";

const mailboxAddOptions: Record<string, OptionSpec> = {
  division: divisionOption,
  name: { value: "NAME", description: "what staff call the mailbox", required: true },
  address: { value: "EMAIL", description: "its email address", required: true },
  protocol: {
    value: mailProtocolEnum.enumValues.join("|"),
    description: "how mail is fetched",
    required: true,
    choices: mailProtocolEnum.enumValues,
  },
  host: { value: "HOST", description: "the IMAP or POP3 server", required: true },
  port: { value: "N", description: "default: IMAP 143 (993 with tls), POP3 110 (995 with tls)" },
  security: {
    value: mailSecurityEnum.enumValues.join("|"),
    description: "tls from the start, starttls after connecting, or none",
    required: true,
    choices: mailSecurityEnum.enumValues,
  },
  username: { value: "USER", description: "the login name", required: true },
  "password-stdin": { description: "read the password from stdin (one trailing newline is dropped)", required: true },
  "connect-timeout-seconds": { value: "N", description: "give up connecting after N seconds (5 to 300, default 30)" },
  inactive: { description: "add it switched off: it is not polled until switched on" },
  "private-mail": {
    description: "mark its incoming mail as private: its tickets stay out of customers' history for agents",
  },
  folder: { value: "FOLDER", description: "IMAP: the folder to fetch from (default INBOX)" },
  "processed-folder": { value: "FOLDER", description: "IMAP: move handled mail here (default: leave it)" },
  "unprocessed-folder": { value: "FOLDER", description: "IMAP: move mail that could not be handled here" },
  "pop3-leave-copy": { description: "POP3: leave mail on the server (default: delete once stored)" },
  "pop3-remove-after-days": { value: "N", description: "POP3, with --pop3-leave-copy: delete after N days" },
  "pop3-remove-when-deleted": {
    description: "POP3, with --pop3-leave-copy: delete from the server when its ticket is deleted",
  },
  "smtp-host": { value: "HOST", description: "the outgoing (SMTP) server; without it, the mailbox sends nothing" },
  "smtp-port": { value: "N", description: "with --smtp-host; default: 465 with tls, 587 with starttls, 25 with none" },
  "smtp-security": {
    value: mailSecurityEnum.enumValues.join("|"),
    description: "with --smtp-host, required: tls from the start, starttls after connecting, or none",
    choices: mailSecurityEnum.enumValues,
  },
  "smtp-same-as-incoming": {
    description: "sign into the SMTP server with --username and the incoming password (the default)",
  },
  "smtp-username": { value: "USER", description: "sign into the SMTP server as USER instead, with --smtp-password-stdin" },
  "smtp-password-stdin": {
    description: "read the SMTP password from stdin: the second line, after the incoming password",
  },
  "smtp-no-auth": { description: "the SMTP server takes mail without signing in (a relay that trusts this host)" },
  "smtp-timeout-seconds": { value: "N", description: "give up on the SMTP server after N seconds (5 to 300, default 30)" },
  "display-name": { value: "NAME", description: "the sender name on mail from this mailbox (default: the address alone)" },
  "reply-to": { value: "EMAIL", description: "where replies to its mail go (default: the mailbox's address)" },
  team: { value: "ID", description: "give it to a team (`team list`): its tickets go to the team, only the team sees them" },
  owner: {
    value: "USER_ID",
    description: "make it one operator's personal account (a member's user id): only they see its tickets",
  },
  "leave-unassigned": {
    description: "with --owner: new tickets wait unassigned in the owner's personal queue (default: assigned to them)",
  },
  "default-priority": {
    value: ticketPriorityEnum.enumValues.join("|"),
    description: "the priority its new tickets start with (default normal)",
    choices: ticketPriorityEnum.enumValues,
  },
  "default-tags": { value: "TAGS", description: "tags its new tickets start with, separated by commas" },
  "default-assignee": {
    value: "USER_ID",
    description: "assign its new tickets to this member (not with --owner, whose tickets are the owner's)",
  },
};

/** The option of each settings field whose name differs. */
const mailboxFieldOptions = {
  password: "password-stdin",
  active: "inactive",
  smtpPassword: "smtp-password-stdin",
  smtpAuthRequired: "smtp-no-auth",
  smtpSameCredentials: "smtp-same-as-incoming",
  smtpDisplayName: "display-name",
  smtpReplyTo: "reply-to",
  teamId: "team",
  ownerUserId: "owner",
  personalAssignment: "leave-unassigned",
  defaultAssigneeId: "default-assignee",
};

/** The ways to sign into the SMTP server: one at most (without any, the incoming login). */
const smtpLoginOptions = ["smtp-same-as-incoming", "smtp-username", "smtp-no-auth"];
/** What only means something with an SMTP server. */
const smtpServerOptions = ["smtp-port", "smtp-security", "smtp-timeout-seconds", "smtp-password-stdin", ...smtpLoginOptions];

const imapOnly = ["folder", "processed-folder", "unprocessed-folder"];
const pop3Only = ["pop3-leave-copy", "pop3-remove-after-days", "pop3-remove-when-deleted"];

export const mailboxAdd: Command = {
  words: ["mailbox", "add"],
  summary: "add a mailbox a division fetches mail from, over IMAP or POP3",
  description:
    "The password comes from stdin, never from the command line (where `ps` and the shell's history\n" +
    "would keep it), and is stored encrypted:\n" +
    "  printf '%s' \"$PASSWORD\" | postdesk mailbox add --division ID … --password-stdin\n" +
    "To send mail, name the SMTP server with --smtp-host and --smtp-security; it signs in with the\n" +
    "incoming login unless --smtp-username (or --smtp-no-auth) says otherwise. With both\n" +
    "--password-stdin and --smtp-password-stdin, stdin holds two lines: the incoming password, then the\n" +
    "SMTP one:\n" +
    "  printf '%s\\n%s\\n' \"$PASSWORD\" \"$SMTP_PASSWORD\" | postdesk mailbox add … --password-stdin \\\n" +
    "    --smtp-host smtp.example.com --smtp-security tls --smtp-username USER --smtp-password-stdin\n" +
    "Then check the mailbox with `postdesk mailbox test --mailbox ID`.",
  options: mailboxAddOptions,
  refusedOptions: {
    password:
      "a password on the command line shows in `ps` and stays in the shell's history; pipe it in with --password-stdin",
    "smtp-password":
      "a password on the command line shows in `ps` and stays in the shell's history; pipe it in with --smtp-password-stdin",
  },
  fieldOptions: mailboxFieldOptions,
  async run(values, context) {
    const { password, smtpPassword } = await readPasswords(values);
    const settings = readMailboxSettings(values, password, smtpPassword);
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const mailbox = viewOf(
      await withTenant(db, tenant.id, (tx) => createMailbox(tx, operatorScope(tenant.id), divisionId, settings)),
    );
    return {
      json: mailbox,
      human: [
        `Added mailbox ${mailbox.name} <${mailbox.address}>: ${mailbox.id}`,
        mailboxText(mailbox),
        "",
        `Check it with \`postdesk mailbox test --mailbox ${mailbox.id}\`.`,
      ].join("\n"),
    };
  },
};

export const mailboxList: Command = {
  words: ["mailbox", "list"],
  summary: "list a division's mailboxes and how their last poll went",
  description: "The division's default account is marked (default). Removed mailboxes are left out unless --all.",
  options: { division: divisionOption, all: { description: "list removed mailboxes too" } },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const includeRemoved = values.all !== undefined;
    const views = (
      await withTenant(db, tenant.id, (tx) => listMailboxes(tx, operatorScope(tenant.id), divisionId, { includeRemoved }))
    ).map(viewOf);
    return {
      json: views,
      human:
        views.length === 0
          ? "The division has no mailboxes. Add one with `postdesk mailbox add`."
          : table(
              ["ID", "NAME", "ADDRESS", "PROTOCOL", "SERVER", "SECURITY", "ACTIVE", "LAST POLL", "LAST ERROR"],
              views.map((m) => [
                m.id,
                m.isDefault ? `${m.name} (default)` : m.name,
                m.address,
                m.protocol,
                `${m.host}:${m.port}`,
                m.security,
                m.removedAt ? `removed ${moment(m.removedAt)}` : m.active ? "yes" : "no",
                moment(m.lastPollAt),
                m.lastErrorCode ? `${m.lastErrorCode} since ${moment(m.lastErrorAt)}: ${m.lastError ?? ""}` : "-",
              ]),
            ),
    };
  },
};

export const mailboxShow: Command = {
  words: ["mailbox", "show"],
  summary: "show a mailbox's settings, incoming and outgoing (never its passwords)",
  options: { mailbox: mailboxOption },
  async run(values, context) {
    const db = await context.database();
    const mailboxId = values.mailbox!;
    const tenant = await tenantOfMailbox(db, mailboxId);
    const mailbox = viewOf(
      await withTenant(db, tenant.id, (tx) => getMailbox(tx, operatorScope(tenant.id), mailboxId)),
    );
    return { json: mailbox, human: [`${mailbox.name} <${mailbox.address}>: ${mailbox.id}`, mailboxText(mailbox)].join("\n") };
  },
};

export const mailboxRemove: Command = {
  words: ["mailbox", "remove"],
  summary: "remove a mailbox: it is never polled again, its tickets and stored mail stay",
  description:
    "Polling stops at once, also a poll in progress (before its next mail). Its passwords and OAuth2\n" +
    "tokens are wiped. Its tickets stay, seen by whoever saw them; its stored mail stays until purged.\n" +
    "Teams and mass mail that sent from it, and the division if it was its default account, send from\n" +
    "the division's default account instead. It leaves `mailbox list` (see it with --all).",
  options: { mailbox: mailboxOption },
  async run(values, context) {
    const db = await context.database();
    const mailboxId = values.mailbox!;
    const tenant = await tenantOfMailbox(db, mailboxId);
    const impact = await withTenant(db, tenant.id, (tx) =>
      removeMailbox(tx, operatorScope(tenant.id), { mailboxId, now: new Date() }),
    );
    return {
      json: { mailboxId, removed: true, ...impact },
      human: labelled([
        ["removed", mailboxId],
        ["tickets kept", String(impact.tickets)],
        ["was the default", impact.isDefault ? "yes: the division has no default account now" : "no"],
        ["teams now sending from the default", impact.teams.length > 0 ? impact.teams.join(", ") : "-"],
      ]),
    };
  },
};

export const mailboxSetDefault: Command = {
  words: ["mailbox", "set-default"],
  summary: "make a mailbox its division's default account, which its mail leaves from",
  description: "The division's mail leaves from it when neither the ticket's team nor the member names another.",
  options: { mailbox: mailboxOption },
  async run(values, context) {
    const db = await context.database();
    const mailboxId = values.mailbox!;
    const tenant = await tenantOfMailbox(db, mailboxId);
    const mailbox = viewOf(await withTenant(db, tenant.id, (tx) => setDefaultMailbox(tx, operatorScope(tenant.id), mailboxId)));
    return { json: mailbox, human: `${mailbox.name} <${mailbox.address}> is now the default account of its division.` };
  },
};

export const mailboxTest: Command = {
  words: ["mailbox", "test"],
  summary: "log into a mailbox's servers and look around, changing nothing",
  description:
    "Lists the folders (IMAP) or counts the waiting mail (POP3), and when the mailbox has an SMTP server,\n" +
    "connects and signs in there too, sending nothing. Exits 1, saying why, when a server cannot be\n" +
    "reached or refuses the login, or the incoming one lacks the folder the mailbox fetches from.\n" +
    "With --json, `ok` is true only when every server passed; `failure` and `detail` are the incoming\n" +
    "server's, `smtp` is the outgoing server's outcome (null without one).",
  options: { mailbox: mailboxOption },
  async run(values, context) {
    const db = await context.database();
    const mailboxId = values.mailbox!;
    const tenant = await tenantOfMailbox(db, mailboxId);
    const mailbox = await withTenant(db, tenant.id, (tx) => getMailbox(tx, operatorScope(tenant.id), mailboxId));
    const { testMailServer } = await import("@/lib/mail/mail-server-test");
    const { testSmtpServer } = await import("@/lib/mail/smtp-test");
    const { signInToken } = await import("@/lib/mailboxes/oauth-tokens");
    // An account whose grant is gone (or whose provider is down) fails the test as a poll would.
    const signIn = await signInToken(db, mailbox, { now: () => new Date() }).then(
      (accessToken) => ({ ok: true as const, accessToken }),
      (error: unknown) => ({ ok: false as const, ...classifyMailError(error) }),
    );
    const accessToken = signIn.ok ? signIn.accessToken : undefined;
    const smtpLogin = signIn.ok ? outboundLogin(mailbox, accessToken) : null;
    const [tested, smtpTested] = await Promise.all([
      signIn.ok ? testMailServer(mailbox.protocol, inboundLogin(mailbox, accessToken)) : signIn,
      smtpLogin ? testSmtpServer(smtpLogin) : null,
    ]);

    const server = `${mailbox.host}:${mailbox.port} (${mailbox.protocol.toUpperCase()}, ${mailbox.security})`;
    const inbound = inboundOutcome(tested, mailbox.folder);
    const human: string[] = [];
    const failures: string[] = [];
    if (inbound.failure) {
      failures.push(`${server} as ${mailbox.username}: ${describeConnectionFailure(inbound.failure, inbound.detail ?? "")}`);
    }
    if (tested.ok) {
      human.push(
        `Connected to ${server} and logged in as ${mailbox.username}.`,
        ...(inbound.folders
          ? [`${inbound.folders.length} folders:`, ...inbound.folders.map((folder) => `  ${folder}`)]
          : [`${inbound.messageCount ?? 0} messages waiting on the server.`]),
      );
    }

    let smtp: { ok: boolean; failure: MailConnectionFailure | null; detail: string | null } | null = null;
    if (smtpLogin && smtpTested) {
      const smtpServer = `${smtpLogin.host}:${smtpLogin.port} (SMTP, ${smtpLogin.security})`;
      const as = smtpLogin.auth ? ` as ${smtpLogin.auth.username}` : "";
      if (smtpTested.ok) {
        smtp = { ok: true, failure: null, detail: null };
        human.push(`Connected to ${smtpServer}${smtpLogin.auth ? ` and logged in${as}` : " (no sign-in)"}.`);
      } else {
        smtp = { ok: false, failure: smtpTested.failure, detail: smtpTested.detail };
        failures.push(`${smtpServer}${as}: ${describeSmtpFailure(smtpTested.failure, smtpTested.detail)}`);
      }
    }

    return {
      json: {
        mailboxId,
        ok: failures.length === 0,
        failure: inbound.failure,
        detail: inbound.detail,
        folders: inbound.folders,
        messageCount: inbound.messageCount,
        smtp,
      },
      human: human.join("\n"),
      ...(failures.length > 0 ? { failure: { code: "connection_failed", message: failures.join("\n") } } : {}),
    };
  },
};

export const mailboxCommands = [mailboxAdd, mailboxList, mailboxShow, mailboxTest, mailboxRemove, mailboxSetDefault];

/**
 * What the incoming server's test means for polling: a login that works but lacks the folder the
 * mailbox fetches from fails too, said now rather than at the first poll.
 */
function inboundOutcome(tested: MailServerTestResult, folder: string) {
  if (!tested.ok) {
    return { failure: tested.failure, detail: tested.detail, folders: null, messageCount: null };
  }
  const folders = tested.folders ?? null;
  const messageCount = tested.messageCount ?? null;
  if (folders && !hasFolder(folders, folder)) {
    const detail = `the mailbox fetches from "${folder}", which is not among the server's folders`;
    return { failure: "folderNotFound" as const, detail, folders, messageCount };
  }
  return { failure: null, detail: null, folders, messageCount };
}

/** Where SMTP differs from describeConnectionFailure's IMAP and POP3 words: its ports and service. */
const smtpSentences: Partial<Record<MailConnectionFailure, string>> = {
  tlsFailed:
    "the secure connection failed: check that the security setting fits the port (tls for 465, starttls for " +
    "587) and that the server's certificate is valid (for a private CA, name its PEM file in POSTDESK_MAIL_CA_FILE)",
  protocolError: "the server's answer was not understood: check that the port belongs to its SMTP service",
};

function describeSmtpFailure(failure: MailConnectionFailure, detail: string): string {
  const sentence = smtpSentences[failure];
  if (!sentence) return describeConnectionFailure(failure, detail);
  return detail ? `${sentence} (${detail})` : sentence;
}

/**
 * The passwords from stdin. There is one stdin: with --smtp-password-stdin as well, it holds two
 * lines, the incoming password first (so neither password may hold a line break).
 */
async function readPasswords(values: OptionValues): Promise<{ password: string; smtpPassword: string | undefined }> {
  const input = await readSecretFromStdin("--password-stdin", "printf '%s' \"$PASSWORD\" | postdesk mailbox add …");
  if (values["smtp-password-stdin"] === undefined) return { password: input, smtpPassword: undefined };
  const lines = input.split(/\r?\n/);
  if (lines.length > 2) {
    throw new UsageError(
      "with --password-stdin and --smtp-password-stdin, stdin holds two lines (the incoming password, then the SMTP one), not more",
    );
  }
  return { password: lines[0] ?? "", smtpPassword: lines[1] ?? "" };
}

/** The flags as the mailbox form's fields, validated by the same schema. */
function readMailboxSettings(values: OptionValues, password: string, smtpPassword: string | undefined): MailboxSettings {
  const given = (option: string) => values[option] !== undefined;
  const input: MailboxSettingsInput = {
    name: values.name!,
    address: values.address!,
    protocol: values.protocol as MailboxSettingsInput["protocol"],
    host: values.host!,
    port: values.port,
    security: values.security as MailboxSettingsInput["security"],
    username: values.username!,
    password,
    connectTimeoutSeconds: values["connect-timeout-seconds"],
    active: !given("inactive"),
    privateMail: given("private-mail"),
    folder: values.folder,
    processedFolder: values["processed-folder"],
    unprocessedFolder: values["unprocessed-folder"],
    pop3LeaveCopy: given("pop3-leave-copy"),
    pop3RemoveAfterDays: values["pop3-remove-after-days"],
    pop3RemoveWhenDeleted: given("pop3-remove-when-deleted"),
    smtpHost: values["smtp-host"],
    smtpPort: values["smtp-port"],
    smtpSecurity: values["smtp-security"] as MailboxSettingsInput["smtpSecurity"],
    smtpAuthRequired: !given("smtp-no-auth"),
    smtpSameCredentials: !given("smtp-username") && !given("smtp-no-auth"),
    smtpUsername: values["smtp-username"],
    smtpPassword,
    smtpDisplayName: values["display-name"],
    smtpReplyTo: values["reply-to"],
    smtpTimeoutSeconds: values["smtp-timeout-seconds"],
    belongsTo: given("owner") ? "personal" : given("team") ? "team" : "division",
    teamId: values.team,
    ownerUserId: values.owner,
    personalAssignment: given("leave-unassigned") ? "queue" : "owner",
    defaultPriority: values["default-priority"] as MailboxSettingsInput["defaultPriority"],
    defaultTags: values["default-tags"],
    defaultAssigneeId: values["default-assignee"],
  };

  const fields: Record<string, string[]> = {};
  const parsed = mailboxSettingsSchema.safeParse(input);
  if (!parsed.success) {
    Object.assign(fields, optionErrors(zodFieldErrors(parsed.error), mailboxFieldOptions, mailboxAddOptions));
  }
  if (password === "") (fields["--password-stdin"] ??= []).push("is empty: nothing was read from stdin");
  if (smtpPassword === "") {
    (fields["--smtp-password-stdin"] ??= []).push(
      "is empty: put the SMTP password on the second line of stdin, after the incoming password",
    );
  }
  const problem = (option: string, sentence: string) => (fields[`--${option}`] ??= []).push(sentence);
  if (!given("smtp-host")) {
    for (const option of smtpServerOptions.filter(given)) problem(option, "needs --smtp-host");
  } else if (!given("smtp-security")) {
    problem("smtp-security", "is required with --smtp-host");
  }
  if (given("team") && given("owner")) problem("owner", "cannot go with --team: a mailbox is a team's or one operator's");
  if (given("leave-unassigned") && !given("owner")) problem("leave-unassigned", "needs --owner");
  if (given("default-assignee") && given("owner")) {
    problem("default-assignee", "cannot go with --owner: a personal mailbox's tickets are the owner's (or wait with --leave-unassigned)");
  }
  const logins = smtpLoginOptions.filter(given);
  for (const option of logins.slice(1)) problem(option, `cannot go with --${logins[0]}: choose one way to sign in`);
  if (given("smtp-username") && !given("smtp-password-stdin")) problem("smtp-username", "needs --smtp-password-stdin");
  if (given("smtp-password-stdin") && !given("smtp-username")) problem("smtp-password-stdin", "needs --smtp-username");
  // The schema keeps both protocols' fields (the form switches between them); on a command line,
  // the other protocol's option is a mistake worth pointing out.
  const otherProtocol = values.protocol === "imap" ? pop3Only : values.protocol === "pop3" ? imapOnly : [];
  for (const option of otherProtocol.filter(given)) {
    (fields[`--${option}`] ??= []).push(`is for ${values.protocol === "imap" ? "POP3" : "IMAP"} mailboxes only`);
  }
  for (const option of ["pop3-remove-after-days", "pop3-remove-when-deleted"]) {
    if (values.protocol === "pop3" && given(option) && !given("pop3-leave-copy")) {
      (fields[`--${option}`] ??= []).push("needs --pop3-leave-copy (without it, mail is deleted once stored)");
    }
  }
  if (!parsed.success || Object.keys(fields).length > 0) throw new InvalidInputError(fields);
  return parsed.data;
}

/** IMAP's INBOX is case-insensitive (RFC 3501, 5.1); every other folder name is exact. */
function hasFolder(folders: string[], folder: string): boolean {
  const isInbox = (name: string) => name.toUpperCase() === "INBOX";
  return folders.some((name) => name === folder || (isInbox(name) && isInbox(folder)));
}

function mailboxText(m: MailboxView): string {
  const onServer = [
    m.pop3LeaveCopy ? "left" : "deleted once stored",
    ...(m.pop3LeaveCopy && m.pop3RemoveAfterDays ? [`deleted after ${m.pop3RemoveAfterDays} days`] : []),
    ...(m.pop3LeaveCopy && m.pop3RemoveWhenDeleted ? ["deleted with its ticket"] : []),
  ];
  const fetching: [string, string][] =
    m.protocol === "imap"
      ? [
          ["folder", m.folder],
          ["processed folder", m.processedFolder ?? "none (mail stays in the folder)"],
          ["unprocessed folder", m.unprocessedFolder ?? "none (mail stays in the folder)"],
        ]
      : [["on the server", onServer.join(", ")]];
  return labelled([
    ["division", m.divisionId],
    ["server", `${m.protocol} ${m.host}:${m.port} (${m.security})`],
    ["username", m.username],
    ["timeout", `${m.connectTimeoutMs / 1000} s`],
    ...fetching,
    ["active", m.active ? "yes" : "no"],
    ["private mail", m.privateMail ? "yes (out of customers' history for agents)" : "no"],
    ["default for sending", m.isDefault ? "yes" : "no"],
    ["belongs to", m.ownerUserId ? `operator ${m.ownerUserId} (personal)` : m.teamId ? `team ${m.teamId}` : "the division"],
    [
      "new tickets",
      [
        `priority ${m.defaultPriority}`,
        m.defaultTags.length > 0 ? `tags ${m.defaultTags.join(", ")}` : "no tags",
        m.defaultAssigneeId ? `assigned to ${m.defaultAssigneeId}` : "unassigned",
      ].join("; "),
    ],
    ...smtpText(m),
  ]);
}

function smtpText(m: MailboxView): [string, string][] {
  if (!m.smtpHost) return [["outgoing", "none (the mailbox sends nothing)"]];
  const signIn = !m.smtpAuthRequired
    ? "none"
    : m.smtpSameCredentials
      ? `as incoming (${m.username})`
      : `${m.smtpUsername ?? "-"}${m.hasSmtpPassword ? "" : " (no password stored)"}`;
  return [
    ["outgoing", `smtp ${m.smtpHost}:${m.smtpPort} (${m.smtpSecurity})`],
    ["smtp sign-in", signIn],
    ["smtp timeout", `${m.smtpTimeoutMs / 1000} s`],
    ["sender name", m.smtpDisplayName ?? "none (the address alone)"],
    ["reply-to", m.smtpReplyTo ?? m.address],
  ];
}
