import { z } from "zod";
import { type DatabaseHandle, dataDir, openDatabase } from "@/db/client";
import { EmbeddedDatabaseBusyError } from "@/db/embedded-lock";
import { loadStoredOrigin } from "@/lib/app-url";
import { NotFoundError, RuleError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/forms";
import {
  type Command,
  type CommandContext,
  CommandError,
  commonOptions,
  InvalidInputError,
  type OptionSpec,
  parseOptions,
  UsageError,
} from "./command";
import { contactCommands } from "./contact";
import { divisionCommands } from "./division";
import { optionErrors } from "./field-messages";
import { importCommand } from "./import";
import { kbCommands } from "./kb";
import { mailboxCommands } from "./mailbox";
import { migrate } from "./migrate";
import { outboxCommands } from "./outbox";
import { type Failure, printFailure, printHelp, printResult } from "./output";
import { poll } from "./poll";
import { report } from "./report";
import { teamCommands } from "./team";
import { tenantCommands } from "./tenant";
import { ticketCommands } from "./ticket";
import { waitingCommands } from "./waiting";
import { ticketMergeCommands } from "./ticket-merge";
import { trashCommands } from "./trash";
import { worker } from "./worker";

/**
 * Every command; a later one is a module of its own, listed here. The mail stack (IMAP, POP3, MIME
 * parsing, OpenPGP) takes longer to load than the rest of the CLI together: the commands that use it
 * import it when they run (`await import(…)`), so every other command, and --help, start without it.
 */
const commands: Command[] = [
  migrate,
  ...tenantCommands,
  ...divisionCommands,
  ...mailboxCommands,
  ...teamCommands,
  poll,
  importCommand,
  report,
  ...ticketCommands,
  ...contactCommands,
  ...kbCommands,
  ...waitingCommands,
  ...ticketMergeCommands,
  ...trashCommands,
  ...outboxCommands,
  worker,
];

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/**
 * Runs `postdesk <argv…>` and returns the exit code: 0 done, 1 failed, 2 bad usage or input.
 * `callerDir` is the folder the command was typed in, for relative paths among the arguments.
 */
export async function main(argv: string[], callerDir = process.cwd()): Promise<number> {
  const json = argv.includes("--json");
  const firstOption = argv.findIndex((arg) => arg.startsWith("-"));
  const words = firstOption === -1 ? argv : argv.slice(0, firstOption);
  const wantsHelp = argv.includes("--help") || argv.includes("-h") || words[0] === "help";
  const path = words[0] === "help" ? words.slice(1) : words;

  const command = findCommand(path);
  if (!command) {
    const group = commands.filter(
      (c) => path.length > 0 && c.words.length > path.length && path.every((w, i) => w === c.words[i]),
    );
    if (wantsHelp && (path.length === 0 || group.length > 0)) {
      printHelp(overview(group.length > 0 ? group : commands), json);
      return EXIT_OK;
    }
    const message =
      path.length === 0
        ? "no command given"
        : group.length > 0
          ? `"${path.join(" ")}" needs one of: ${group.map((c) => c.words.slice(path.length).join(" ")).join(", ")}`
          : `unknown command "${path.join(" ")}"`;
    printFailure(
      { code: "usage", message, hint: `\n${overview(group.length > 0 ? group : commands)}` },
      json,
      "postdesk",
    );
    return EXIT_USAGE;
  }

  if (wantsHelp) {
    printHelp(commandHelp(command), json);
    return EXIT_OK;
  }
  const session = new DatabaseSession();
  const interrupted = new AbortController();
  const restoreSignals = deferSignals(interrupted);
  const context: CommandContext = {
    database: () => session.database(),
    databaseLocation: () => session.databaseLocation(),
    callerDir,
    signal: interrupted.signal,
  };
  try {
    const { values, positionals } = parseOptions(command, argv.slice(command.words.length));
    const result = await command.run(values, context, positionals);
    printResult(result, json);
    if (!result.failure) return EXIT_OK;
    printFailure(result.failure, json, `postdesk ${command.words.join(" ")}`);
    return EXIT_FAILED;
  } catch (error) {
    const { failure, exitCode } = failureOf(error, command);
    printFailure(failure, json, `postdesk ${command.words.join(" ")}`);
    return exitCode;
  } finally {
    // PGlite must close cleanly (and give up its lock); postgres.js must end for the process to exit.
    await session.close();
    restoreSignals();
  }
}

/**
 * The command the words name. A command that takes arguments (`import PATH…`) also matches when its
 * first argument comes before the options: `postdesk import mail.mbox --division ID`.
 */
function findCommand(path: string[]): Command | undefined {
  const startsPath = (c: Command) => c.words.length <= path.length && c.words.every((w, i) => w === path[i]);
  return (
    commands.find((c) => startsPath(c) && c.words.length === path.length) ??
    commands.find((c) => startsPath(c) && c.positionals !== undefined)
  );
}

/**
 * Ctrl-C must not kill a command halfway: PGlite has to close cleanly (and give up its lock). The
 * first signal lets the command finish, or stop at its next safe point (a long import stops after
 * the mail at hand); a second one quits at once.
 */
function deferSignals(interrupted: AbortController): () => void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) process.exit(130);
    received = true;
    interrupted.abort();
    process.stderr.write(`postdesk: ${signal}: finishing and closing the database first (again to quit at once)\n`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

class DatabaseSession {
  private handle: Promise<DatabaseHandle> | undefined;

  async database() {
    this.handle ??= openDatabase().catch((error: unknown) => {
      if (error instanceof EmbeddedDatabaseBusyError) throw error;
      throw new CommandError(
        "database_unavailable",
        `cannot open the database (${this.databaseLocation()}): ${innermostMessage(error)}`,
      );
    });
    const { db } = await this.handle;
    // Commands that poll, import or send write links into mail: the public address the web app saw.
    await loadStoredOrigin(db);
    return db;
  }

  databaseLocation(): string {
    const url = process.env.DATABASE_URL;
    if (!url) return `embedded, in ${dataDir()}`;
    try {
      const parsed = new URL(url);
      parsed.password = "";
      return parsed.toString();
    } catch {
      return "the server in DATABASE_URL";
    }
  }

  async close(): Promise<void> {
    const handle = await this.handle?.catch(() => undefined);
    await handle?.close();
  }
}

function failureOf(error: unknown, command: Command): { failure: Failure; exitCode: number } {
  const hint = `Run \`postdesk ${command.words.join(" ")} --help\` for its options.`;
  if (error instanceof UsageError) {
    return { failure: { code: "usage", message: error.message, hint }, exitCode: EXIT_USAGE };
  }
  if (error instanceof InvalidInputError) {
    return { failure: invalidInput(error.fields), exitCode: EXIT_USAGE };
  }
  if (error instanceof z.ZodError || error instanceof RuleError) {
    const fieldErrors = error instanceof z.ZodError ? zodFieldErrors(error) : error.fieldErrors;
    const fields = optionErrors(fieldErrors, command.fieldOptions ?? {}, command.options);
    const failure: Failure =
      Object.keys(fields).length > 0
        ? invalidInput(fields)
        : { code: "invalid_input", message: error instanceof RuleError ? `refused (${error.key})` : "invalid input" };
    return { failure, exitCode: EXIT_USAGE };
  }
  if (error instanceof NotFoundError) {
    return { failure: { code: "not_found", message: `${error.what} not found` }, exitCode: EXIT_FAILED };
  }
  if (error instanceof CommandError) {
    return { failure: { code: error.code, message: error.message }, exitCode: EXIT_FAILED };
  }
  if (error instanceof EmbeddedDatabaseBusyError) {
    return { failure: { code: "database_busy", message: error.message }, exitCode: EXIT_FAILED };
  }
  if (process.env.POSTDESK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return {
    failure: { code: "failed", message: innermostMessage(error), hint: "Set POSTDESK_DEBUG=1 to see where it failed." },
    exitCode: EXIT_FAILED,
  };
}

/** Drizzle wraps a driver's error ("Failed query: …"); the driver's own message says what is wrong. */
function innermostMessage(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  return inner instanceof Error ? inner.message : String(inner);
}

function invalidInput(fields: Record<string, string[]>): Failure {
  return { code: "invalid_input", message: "invalid input", fields };
}

function overview(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.words.join(" ").length));
  return [
    "Usage: postdesk <command> [options]",
    "",
    "Commands:",
    ...list.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --json (one JSON value on stdout, nothing else) and --help.",
    "The database is the PostgreSQL server in DATABASE_URL or, when that is unset, the embedded one in",
    ".data/ (POSTDESK_DATA_DIR), which one process may hold at a time.",
  ].join("\n");
}

function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, ...commonOptions });
  const signature = (name: string, spec: OptionSpec) => (spec.value ? `--${name} ${spec.value}` : `--${name}`);
  const required = options.filter(([, spec]) => spec.required).map(([name, spec]) => signature(name, spec));
  const positionals = command.positionals;
  const usage = [...command.words, ...required, "[options]"];
  if (positionals) usage.push(positionals.required ? positionals.value : `[${positionals.value}]`);
  // Long signatures (a list of choices) put their description on the next line.
  const width = Math.min(34, Math.max(...options.map(([name, spec]) => signature(name, spec).length)));
  return [
    `Usage: postdesk ${usage.join(" ")}`,
    "",
    `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`,
    ...(command.description ? ["", command.description] : []),
    ...(positionals ? ["", "Arguments:", `  ${positionals.value}  ${positionals.description}`] : []),
    "",
    "Options:",
    ...options.map(([name, spec]) => {
      const note = `${spec.required ? " (required)" : ""}${spec.repeatable ? " (repeatable, or a comma-separated list)" : ""}`;
      const text = signature(name, spec);
      const gap = text.length > width ? `\n  ${" ".repeat(width)}  ` : `${" ".repeat(width - text.length)}  `;
      return `  ${text}${gap}${spec.description}${note}`;
    }),
  ].join("\n");
}
