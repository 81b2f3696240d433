import { parseArgs } from "node:util";
import type { Database } from "@/db/client";

/** One option of a command. With `value` it takes an argument (`--name TEXT`); without, it is a switch. */
export interface OptionSpec {
  value?: string;
  description: string;
  required?: boolean;
  /** The values it accepts, when they are a fixed set: named in the message for a wrong one. */
  choices?: readonly string[];
  /**
   * It may be given more than once (`--status open --status on-hold`); the values reach the command
   * joined with commas, as if given as one list (`--status open,on-hold`), which it also takes.
   */
  repeatable?: boolean;
}

export type OptionValues = Record<string, string | undefined>;

/** The arguments that are not options (`postdesk import --division ID PATH…`): any number of them. */
export interface PositionalSpec {
  /** As the usage line shows them: `PATH…`. */
  value: string;
  description: string;
  /** At least one must be given. */
  required?: boolean;
}

/** What a command prints: `json` with `--json`, `human` otherwise. */
export interface CommandResult {
  json: unknown;
  human: string;
  /**
   * The command ran but what it did failed (a mailbox that cannot be reached): the result is still
   * printed, the failure follows on stderr and the exit code is 1.
   */
  failure?: { code: string; message: string };
}

export interface CommandContext {
  /**
   * The database, opened (and migrated) on first call and closed when the command ends. Commands
   * check their input first: bad input should cost neither a database start nor the embedded lock.
   */
  database(): Promise<Database>;
  /** Where the database lives, for messages: "embedded (/path)" or "postgres://host/db". */
  databaseLocation(): string;
  /**
   * The folder the command was typed in: paths on the command line are relative to it (the
   * process itself runs from the repository root, see bin/postdesk.mjs).
   */
  callerDir: string;
  /** Aborted by the first Ctrl-C: a long command stops at its next safe point. */
  signal: AbortSignal;
}

export interface Command {
  /** The words after `postdesk`: ["division", "set"]. */
  words: string[];
  summary: string;
  /** Longer help under the usage line. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Arguments besides the options; without this, a stray argument is a mistake. */
  positionals?: PositionalSpec;
  /**
   * Options refused with a reason rather than "unknown option": `--password` says to use
   * `--password-stdin`. They are not in the help.
   */
  refusedOptions?: Record<string, string>;
  /** Which option a field of the lib's input or errors stands for (`companyName` → `name`). */
  fieldOptions?: Record<string, string>;
  run(values: OptionValues, context: CommandContext, positionals: string[]): Promise<CommandResult>;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Values that the rules refuse, per option (`--poll-interval-minutes` → sentences): exit code 2. */
export class InvalidInputError extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super("invalid input");
    this.name = "InvalidInputError";
  }
}

/** Something the command could not do (not found, database busy): exit code 1. */
export class CommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "CommandError";
  }
}

export const commonOptions: Record<string, OptionSpec> = {
  json: { description: "print one JSON value on stdout and nothing else" },
  help: { description: "show this help" },
};

export interface ParsedArguments {
  values: OptionValues;
  positionals: string[];
}

/**
 * The options of one command: `node:util` parseArgs, plus what it lacks for a command line of
 * settings: a negative number is a value (`--auto-close-days -1`), an option given twice is a
 * mistake rather than "the last one wins", and the mistakes are explained in the command's terms.
 */
export function parseOptions(command: Command, args: string[]): ParsedArguments {
  for (const [name, reason] of Object.entries(command.refusedOptions ?? {})) {
    // Only the option's name goes into the message: its value may be the very secret refused.
    if (args.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))) {
      throw new UsageError(`--${name} is not accepted: ${reason}`);
    }
  }
  const specs = { ...command.options, ...commonOptions };
  const takesValue = (arg: string) => arg.startsWith("--") && specs[arg.slice(2)]?.value !== undefined;
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (takesValue(arg) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }

  const parsed = parseStrictly(joined, specs, command.positionals !== undefined);

  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || specs[token.name]?.repeatable) continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }

  const values: OptionValues = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    if (Array.isArray(value)) values[name] = value.join(",");
    else values[name] = typeof value === "boolean" ? (value ? "true" : undefined) : value;
  }
  const missing = Object.entries(command.options)
    .filter(([name, spec]) => spec.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (command.positionals?.required && parsed.positionals.length === 0) {
    missing.push(`${command.positionals.value} (${command.positionals.description})`);
  }
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(", ")}`);
  return { values, positionals: parsed.positionals };
}

function parseStrictly(args: string[], specs: Record<string, OptionSpec>, allowPositionals: boolean) {
  const options: Record<string, { type: "string" | "boolean"; multiple: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.value ? "string" : "boolean", multiple: spec.repeatable === true };
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals, tokens: true });
  } catch (error) {
    throw new UsageError(explainParseError(error as NodeJS.ErrnoException, specs));
  }
}

function explainParseError(error: NodeJS.ErrnoException, specs: Record<string, OptionSpec>): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? "";
  const option = quoted.split(" ")[0] ?? quoted;
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option}. Valid options: ${Object.keys(specs)
        .map((name) => `--${name}`)
        .join(", ")}`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `unexpected argument '${quoted}': values follow their option (--name VALUE)`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const spec = specs[option.replace(/^-+/, "")];
      if (spec && !spec.value) return `${option} takes no value`;
      if (error.message.includes("ambiguous")) {
        return `${option} needs a value; to give one that starts with a dash, write ${option}=-VALUE`;
      }
      return `${option} needs a value (${option} ${spec?.value ?? "VALUE"})`;
    }
    default:
      return error.message;
  }
}

/** An option's spelling of a field or value: `pollIntervalMinutes` and `waiting_list` → kebab-case. */
export function toKebab(name: string): string {
  return name.replace(/_/g, "-").replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * A secret piped in (`--password-stdin`), never typed on the command line where `ps` and the shell's
 * history would keep it: all of stdin, less one trailing newline (`echo` adds one).
 */
export async function readSecretFromStdin(flag: string, example: string): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(`${flag} reads from a pipe, not from the terminal (where it would show): ${example}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}
