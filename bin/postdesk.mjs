#!/usr/bin/env node
// The `postdesk` command (`npx postdesk …` in the repo): runs lib/cli/main.ts as built into
// .build/cli/, building it first when there is no build yet or a source changed since
// (scripts/cli-build.mjs; a fraction of a second), so no command compiles TypeScript as it starts.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCli, freshCliEntry } from "../scripts/cli-build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// db/client.ts looks for its migrations and the default embedded database (.data/) in the working
// directory, as the app does: run from the repository root wherever the command was typed, so the
// CLI and the app share one database. A relative POSTDESK_DATA_DIR, like a path given to a command
// (`postdesk import ./mail`), still means the caller's folder.
const callerDir = process.cwd();
if (process.env.POSTDESK_DATA_DIR) process.env.POSTDESK_DATA_DIR = path.resolve(process.env.POSTDESK_DATA_DIR);
process.chdir(root);

let entry = freshCliEntry(root);
if (!entry) {
  try {
    entry = await buildCli(root);
  } catch (error) {
    // esbuild has printed what in the sources is wrong; anything else (no esbuild) is said here.
    const why = error.errors ? "see above" : error.message;
    process.stderr.write(`postdesk: the CLI does not build (${why})\n`);
    process.exit(1);
  }
}
// Stack traces (POSTDESK_DEBUG) point into lib/ rather than the build.
if (process.env.POSTDESK_DEBUG) process.setSourceMapsEnabled(true);
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2), callerDir);
