import { parseArgs } from "node:util";
import type { Database } from "@/db/client";

/** One option of a command. With `value` it takes an argument (`--name TEXT`); without, it is a switch. */
export interface OptionSpec {
  value?: string;
  description: string;
  required?: boolean;
  /** The values it accepts, when they are a fixed set: named in the message for a wrong one. */
  choices?: readonly string[];
}

export type OptionValues = Record<string, string | undefined>;

/** What a command prints: `json` with `--json`, `human` otherwise. */
export interface CommandResult {
  json: unknown;
  human: string;
}

export interface CommandContext {
  /**
   * The database, opened (and migrated) on first call and closed when the command ends. Commands
   * check their input first: bad input should cost neither a database start nor the embedded lock.
   */
  database(): Promise<Database>;
  /** Where the database lives, for messages: "embedded (/path)" or "postgres://host/db". */
  databaseLocation(): string;
}

export interface Command {
  /** The words after `postdesk`: ["division", "set"]. */
  words: string[];
  summary: string;
  /** Longer help under the usage line. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Which option a field of the lib's input or errors stands for (`companyName` → `name`). */
  fieldOptions?: Record<string, string>;
  run(values: OptionValues, context: CommandContext): Promise<CommandResult>;
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

/**
 * The options of one command: `node:util` parseArgs, plus what it lacks for a command line of
 * settings: a negative number is a value (`--auto-close-days -1`), an option given twice is a
 * mistake rather than "the last one wins", and the mistakes are explained in the command's terms.
 */
export function parseOptions(command: Command, args: string[]): OptionValues {
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

  const parsed = parseStrictly(joined, specs);

  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }

  const values: OptionValues = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = typeof value === "boolean" ? (value ? "true" : undefined) : (value as string);
  }
  const missing = Object.entries(command.options)
    .filter(([name, spec]) => spec.required && values[name] === undefined)
    .map(([name]) => `--${name}`);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(", ")}`);
  return values;
}

function parseStrictly(args: string[], specs: Record<string, OptionSpec>) {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.value ? "string" : "boolean" };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
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
