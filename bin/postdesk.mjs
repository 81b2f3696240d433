#!/usr/bin/env node
// The `postdesk` command (`npx postdesk …` in the repo): runs lib/cli/main.ts through tsx.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// db/client.ts looks for its migrations and the default embedded database (.data/) in the working
// directory, as the app does: run from the repository root wherever the command was typed, so the
// CLI and the app share one database. A relative POSTDESK_DATA_DIR, like a path given to a command
// (`postdesk import ./mail`), still means the caller's folder.
const callerDir = process.cwd();
if (process.env.POSTDESK_DATA_DIR) process.env.POSTDESK_DATA_DIR = path.resolve(process.env.POSTDESK_DATA_DIR);
process.chdir(root);

register({ tsconfig: path.join(root, "tsconfig.json") });
const { main } = await import(pathToFileURL(path.join(root, "lib", "cli", "main.ts")).href);
process.exitCode = await main(process.argv.slice(2), callerDir);
