import { mailProtocolEnum, mailSecurityEnum } from "@/db/schema";
import { withTenant } from "@/db/tenant";
import { zodFieldErrors } from "@/lib/forms";
import {
  createMailbox,
  getMailbox,
  inboundLogin,
  listMailboxes,
  type MailboxView,
  viewOf,
} from "@/lib/mailboxes/mailboxes";
import { type MailboxSettings, type MailboxSettingsInput, mailboxSettingsSchema } from "@/lib/mailboxes/settings";
import { operatorScope } from "@/lib/scope";
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
  folder: { value: "FOLDER", description: "IMAP: the folder to fetch from (default INBOX)" },
  "processed-folder": { value: "FOLDER", description: "IMAP: move handled mail here (default: leave it)" },
  "unprocessed-folder": { value: "FOLDER", description: "IMAP: move mail that could not be handled here" },
  "pop3-leave-copy": { description: "POP3: leave mail on the server (default: delete once stored)" },
  "pop3-remove-after-days": { value: "N", description: "POP3, with --pop3-leave-copy: delete after N days" },
  "pop3-remove-when-deleted": {
    description: "POP3, with --pop3-leave-copy: delete from the server when its ticket is deleted",
  },
};

/** The option of each settings field whose name differs. */
const mailboxFieldOptions = { password: "password-stdin", active: "inactive" };

const imapOnly = ["folder", "processed-folder", "unprocessed-folder"];
const pop3Only = ["pop3-leave-copy", "pop3-remove-after-days", "pop3-remove-when-deleted"];

export const mailboxAdd: Command = {
  words: ["mailbox", "add"],
  summary: "add a mailbox a division fetches mail from, over IMAP or POP3",
  description:
    "The password comes from stdin, never from the command line (where `ps` and the shell's history\n" +
    "would keep it), and is stored encrypted:\n" +
    "  printf '%s' \"$PASSWORD\" | postdesk mailbox add --division ID … --password-stdin\n" +
    "Then check the mailbox with `postdesk mailbox test --mailbox ID`.",
  options: mailboxAddOptions,
  refusedOptions: {
    password:
      "a password on the command line shows in `ps` and stays in the shell's history; pipe it in with --password-stdin",
  },
  fieldOptions: mailboxFieldOptions,
  async run(values, context) {
    const password = await readSecretFromStdin("--password-stdin", "printf '%s' \"$PASSWORD\" | postdesk mailbox add …");
    const settings = readMailboxSettings(values, password);
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
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const views = (
      await withTenant(db, tenant.id, (tx) => listMailboxes(tx, operatorScope(tenant.id), divisionId))
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
                m.name,
                m.address,
                m.protocol,
                `${m.host}:${m.port}`,
                m.security,
                m.active ? "yes" : "no",
                moment(m.lastPollAt),
                m.lastErrorCode ? `${m.lastErrorCode} since ${moment(m.lastErrorAt)}: ${m.lastError ?? ""}` : "-",
              ]),
            ),
    };
  },
};

export const mailboxTest: Command = {
  words: ["mailbox", "test"],
  summary: "log into a mailbox's server and look around, changing nothing",
  description:
    "Lists the folders (IMAP) or counts the waiting mail (POP3). Exits 1, saying why, when the server\n" +
    "cannot be reached, refuses the login, or lacks the folder the mailbox fetches from.",
  options: { mailbox: mailboxOption },
  async run(values, context) {
    const db = await context.database();
    const mailboxId = values.mailbox!;
    const tenant = await tenantOfMailbox(db, mailboxId);
    const mailbox = await withTenant(db, tenant.id, (tx) => getMailbox(tx, operatorScope(tenant.id), mailboxId));
    const { testMailServer } = await import("@/lib/mail/mail-server-test");
    const tested = await testMailServer(mailbox.protocol, inboundLogin(mailbox));
    const server = `${mailbox.host}:${mailbox.port} (${mailbox.protocol.toUpperCase()}, ${mailbox.security})`;
    const failed = (failure: string, detail: string) => ({
      code: "connection_failed",
      message: `${server} as ${mailbox.username}: ${describeConnectionFailure(failure, detail)}`,
    });

    if (!tested.ok) {
      const { failure, detail } = tested;
      return {
        json: { mailboxId, ok: false, failure, detail, folders: null, messageCount: null },
        human: "",
        failure: failed(failure, detail),
      };
    }

    const folders = tested.folders ?? null;
    const messageCount = tested.messageCount ?? null;
    const human = [
      `Connected to ${server} and logged in as ${mailbox.username}.`,
      ...(folders
        ? [`${folders.length} folders:`, ...folders.map((folder) => `  ${folder}`)]
        : [`${messageCount ?? 0} messages waiting on the server.`]),
    ].join("\n");
    // The login works, but polling would fail: say so now rather than at the first poll.
    if (folders && !hasFolder(folders, mailbox.folder)) {
      const detail = `the mailbox fetches from "${mailbox.folder}", which is not among the server's folders`;
      return {
        json: { mailboxId, ok: false, failure: "folderNotFound", detail, folders, messageCount },
        human,
        failure: failed("folderNotFound", detail),
      };
    }
    return { json: { mailboxId, ok: true, failure: null, detail: null, folders, messageCount }, human };
  },
};

export const mailboxCommands = [mailboxAdd, mailboxList, mailboxTest];

/** The flags as the mailbox form's fields, validated by the same schema. */
function readMailboxSettings(values: OptionValues, password: string): MailboxSettings {
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
    folder: values.folder,
    processedFolder: values["processed-folder"],
    unprocessedFolder: values["unprocessed-folder"],
    pop3LeaveCopy: given("pop3-leave-copy"),
    pop3RemoveAfterDays: values["pop3-remove-after-days"],
    pop3RemoveWhenDeleted: given("pop3-remove-when-deleted"),
  };

  const fields: Record<string, string[]> = {};
  const parsed = mailboxSettingsSchema.safeParse(input);
  if (!parsed.success) {
    Object.assign(fields, optionErrors(zodFieldErrors(parsed.error), mailboxFieldOptions, mailboxAddOptions));
  }
  if (password === "") (fields["--password-stdin"] ??= []).push("is empty: nothing was read from stdin");
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
    ["default for sending", m.isDefault ? "yes" : "no"],
  ]);
}
