import type { Command } from "./command";

export const migrate: Command = {
  words: ["migrate"],
  summary: "bring the database schema up to date",
  description:
    "Every command (and the app) does this on start; run it alone after an upgrade or to check the database.",
  options: {},
  async run(_values, context) {
    // Opening the database applies whatever migrations it lacks (db/client.ts).
    await context.database();
    const database = context.databaseLocation();
    return { json: { migrated: true, database }, human: `The database is up to date: ${database}` };
  },
};
