import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fileCycles, type Import, importsOf, layeringProblems, type Rules, sourceFiles, unitOf } from "../setup/imports";

/**
 * lib/ has one direction. This table is the README's "Where things live", top first: a folder may
 * import its own layer or any layer below it, never one above, and no two folders may import each
 * other, even through others. A new folder of lib/ fails this test until it is placed here.
 */
const rules: Rules = {
  libEdges: ["lib/cli"],
  layers: [
    ["lib/dispatch"],
    ["lib/inbound"],
    ["lib/tickets", "lib/notifications", "lib/mass-mail", "lib/accounts", "lib/canned-replies", "lib/knowledge", "lib/reports"],
    ["lib/trash"],
    ["lib/outbox"],
    [
      "lib/teams",
      "lib/members",
      "lib/tenants",
      "lib/mailboxes",
      "lib/divisions",
      "lib/templates",
      "lib/contacts",
      "lib/users",
      "lib/auth",
      "lib/audit",
    ],
    ["lib/mail", "lib/oauth", "lib/security", "lib/secrets", "lib/i18n", "lib/errors", "lib/forms", "lib/app-url", "lib/tags"],
  ],
  libOnly: {
    // Pure mail understanding: no database, no tenant, nothing of the help desk.
    "lib/mail": ["lib/secrets", "lib/security"],
    // The providers' side of OAuth2: requests to them and what they answer; no database, no mailbox.
    "lib/oauth": [],
    // What pages may load and run, and how addresses are read: built from nothing else.
    "lib/security": [],
  },
};

const root = path.resolve(import.meta.dirname, "../..");
const imports = importsOf(root, sourceFiles(root, ["app", "lib", "db", "jobs", "tests", "scripts", "bin", "messages"]));

describe("the repository's imports", () => {
  it("follow the layers of lib/, with no loop between its folders", () => {
    expect(layeringProblems(imports, rules)).toEqual([]);
  });

  it("have no loop between files of lib/ and db/", () => {
    expect(fileCycles(imports).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("are described in the README, which names every folder of lib/ in its section on where things live", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Where things live"));
    const units = [...rules.libEdges, ...rules.layers.flat()];
    expect(units.filter((unit) => !section.includes(`\`${unit}`))).toEqual([]);
  });

  it("keep lib/mail free of the database", () => {
    const reachingDb = imports.filter(({ from, to }) => unitOf(from) === "lib/mail" && unitOf(to) === "db");
    expect(reachingDb.map(({ from, specifier }) => `${from} imports ${specifier}`)).toEqual([]);
  });
});

describe("the layering check", () => {
  const edge = (from: string, to: string): Import => ({ from, to, specifier: `@/${to.replace(/\.tsx?$/, "")}` });

  it("names an upward import across the layers", () => {
    expect(layeringProblems([edge("lib/outbox/send.ts", "lib/tickets/reply.ts")], rules)).toEqual([
      "lib/outbox/send.ts imports @/lib/tickets/reply: lib/tickets is in a higher layer than lib/outbox",
    ]);
  });

  it("names a loop between folders of one layer", () => {
    const problems = layeringProblems(
      [edge("lib/divisions/divisions.ts", "lib/templates/defaults.ts"), edge("lib/templates/templates.ts", "lib/divisions/divisions.ts")],
      rules,
    );
    expect(problems).toEqual(["import loop between lib/ folders: lib/divisions → lib/templates → lib/divisions"]);
  });

  it("names lib/mail importing the help desk, db/ importing lib/, lib/ importing app/ or the CLI, and anything importing tests/", () => {
    const problems = layeringProblems(
      [
        edge("lib/mail/parse.ts", "lib/errors.ts"),
        edge("db/schema.ts", "lib/mail/types.ts"),
        edge("lib/tickets/reply.ts", "app/layout.tsx"),
        edge("jobs/dispatch.ts", "app/layout.tsx"),
        edge("lib/outbox/send.ts", "lib/cli/output.ts"),
        edge("lib/inbound/store.ts", "tests/setup/db.ts"),
      ],
      rules,
    );
    expect(problems).toEqual([
      "lib/mail/parse.ts imports @/lib/errors: lib/mail may import only lib/secrets, lib/security of lib/",
      "db/schema.ts imports @/lib/mail/types: db/ imports nothing of lib/, app/ or jobs/",
      "lib/tickets/reply.ts imports @/app/layout: lib/ and jobs/ never import app/",
      "jobs/dispatch.ts imports @/app/layout: lib/ and jobs/ never import app/",
      "lib/outbox/send.ts imports @/lib/cli/output: lib/cli is an edge; lib/ does not import it",
      "lib/inbound/store.ts imports @/tests/setup/db: only tests/ may import tests/",
    ]);
  });

  it("names a folder of lib/ that no layer holds", () => {
    expect(layeringProblems([edge("lib/wiki/pages.ts", "lib/errors.ts")], rules)).toEqual([
      "lib/wiki is in no layer: place it in the layers of tests/unit/layers.test.ts and the README",
    ]);
  });

  it("names a loop between two files", () => {
    expect(fileCycles([edge("lib/divisions/divisions.ts", "lib/divisions/settings.ts"), edge("lib/divisions/settings.ts", "lib/divisions/divisions.ts")])).toEqual([
      ["lib/divisions/divisions.ts", "lib/divisions/settings.ts", "lib/divisions/divisions.ts"],
    ]);
  });
});
