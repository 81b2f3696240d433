import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { queueQueryOf, queueStateOf } from "../../app/[locale]/(app)/[tenant]/tickets/queue-views";
import { createDivision, listDivisions, updateDivisionSettings } from "../../lib/divisions/divisions";
import { createTeam } from "../../lib/teams/teams";
import { listQueue } from "../../lib/tickets/queue";
import { parseSearch } from "../../lib/tickets/queue-search";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";

const db = await testDatabase();

interface ListJson {
  pinned: { id: string; number: number; subject: string }[];
  rows: { id: string; number: number; subject: string; divisionTag: string }[];
  next: string | null;
}

const listed = (page: ListJson) => [...page.pinned, ...page.rows].map((row) => row.subject);

describe("postdesk ticket list", () => {
  it("finds with --search the same tickets, in the same order, as the queue's search box", async () => {
    const company = await makeTenant(db, "Cli Search");
    const tenantId = company.tenant.id;
    const scope = operatorScope(tenantId);
    await withTenant(db, tenantId, (tx) => updateDivisionSettings(tx, scope, company.divisionId, { tag: "SUP" }));
    const receive = (fields: { from?: string; subject: string; body: string }) =>
      receiveMail(db, { tenantId, divisionId: company.divisionId }, mail({ ...fields, subject: encodedWord(fields.subject) }));
    await receive({ subject: "Zamówienie 1", body: "Moje zamówienie nie dotarło." });
    await receive({ from: "anna@firma.test", subject: "Pytanie o zamowienie", body: "Kiedy wyślecie zamowienie 2?" });
    await receive({ subject: "Late order", body: "I ordered 2 chairs; zamówienie 3." });
    await receive({ subject: "Unrelated", body: "Nothing here." });

    const ids = (page: { pinned: { id: string }[]; rows: { id: string }[] }) => [...page.pinned, ...page.rows].map((t) => t.id);
    for (const word of ["zamowienie", "2"]) {
      const cli = json<ListJson>(await postdesk(["ticket", "list", "--tenant", company.tenant.slug, "--search", word, "--json"]));
      const queue = await withTenant(db, tenantId, (tx) => listQueue(tx, scope, { search: parseSearch(word) }));
      expect(ids(cli), word).toEqual(ids(queue));
      expect(cli.pinned.map((t) => t.id), word).toEqual(queue.pinned.map((t) => t.id));
      expect(ids(cli).length, word).toBeGreaterThan(1);
      // The queue page's own query for the address ?status=all&q=WORD, as its owner opens it.
      const member = { tenantId, userId: company.user.id, role: "owner" as const };
      const web = await withTenant(db, tenantId, async (tx) => {
        const divisions = await listDivisions(tx, member);
        const state = queueStateOf({ status: "all", q: word }, { divisionIds: divisions.map((d) => d.id) });
        return listQueue(tx, member, queueQueryOf(state, divisions, company.user.id), { userId: company.user.id });
      });
      expect(ids(web), word).toEqual(ids(cli));
    }

    const human = await postdesk(["ticket", "list", "--tenant", company.tenant.slug, "--search", "[SUP#2]"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\[SUP#2\] +open +normal +1 +no +anna@firma\.test +- +Pytanie o zamowienie$/m);
    expect(human.stdout.trim().split("\n")).toHaveLength(2);
    const none = await postdesk(["ticket", "list", "--division", company.divisionId, "--search", "parapet"]);
    expect(none.stdout).toMatch(/^No tickets found in .+ \(SUP\)\.$/m);
  });

  it("narrows the list by division, status, assignee, team, priority, tag and highlight, and pages through it", async () => {
    const company = await makeTenant(db, "Cli Queue");
    const tenantId = company.tenant.id;
    const scope = operatorScope(tenantId);
    const owner = company.user.id;
    const { sales, team } = await withTenant(db, tenantId, async (tx) => {
      const sales = await createDivision(tx, scope, { name: "Sales", tag: "SAL" });
      const team = await createTeam(tx, scope, { divisionId: company.divisionId, name: "Returns", outboundMailboxId: null });
      const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
      const seed = { tenantId, divisionId: company.divisionId };
      await tx.insert(tickets).values([
        { ...seed, number: 1, subject: "one", status: "open", updatedAt: at(1), createdAt: at(5) },
        { ...seed, number: 2, subject: "two", status: "on_hold", assigneeId: owner, updatedAt: at(2), createdAt: at(4) },
        { ...seed, number: 3, subject: "three", status: "closed", teamId: team.id, updatedAt: at(3), createdAt: at(3) },
        { ...seed, number: 4, subject: "four", priority: "urgent", tags: ["vip"], highlighted: true, updatedAt: at(4), createdAt: at(2) },
        { tenantId, divisionId: sales.id, number: 1, subject: "sales one", updatedAt: at(5), createdAt: at(1) },
      ]);
      return { sales, team };
    });
    const list = async (...options: string[]) =>
      listed(json<ListJson>(await postdesk(["ticket", "list", "--tenant", company.tenant.slug, ...options, "--json"])));

    expect(await list()).toEqual(["sales one", "four", "three", "two", "one"]);
    expect(await list("--division", company.divisionId, "--sort", "created")).toEqual(["one", "two", "three", "four"]);
    expect(await list("--division", `${sales.id},${company.divisionId}`, "--status", "on-hold", "--status", "closed")).toEqual([
      "three",
      "two",
    ]);
    expect(await list("--assignee", company.email.toUpperCase())).toEqual(["two"]);
    expect(await list("--assignee", "nobody", "--team", team.id)).toEqual(["three"]);
    expect(await list("--priority", "urgent", "--tag", "VIP", "--highlighted")).toEqual(["four"]);

    const walked: string[] = [];
    let after: string[] = [];
    for (let page = 0; page < 5; page++) {
      const run = json<ListJson>(await postdesk(["ticket", "list", "--division", company.divisionId, "--limit", "3", ...after, "--json"]));
      walked.push(...listed(run));
      if (!run.next) break;
      after = ["--after", run.next];
    }
    expect(walked).toEqual(["four", "three", "two", "one"]);
  });

  it("refuses a list with no company, an assignee of me or of no member, and a cursor, limit, sort, status or division that is not one", async () => {
    const company = await makeTenant(db, "Cli Refusals");
    const slug = ["--tenant", company.tenant.slug];

    const nowhere = await postdesk(["ticket", "list"]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("say whose tickets: --tenant SLUG, or --division ID");
    const me = await postdesk(["ticket", "list", ...slug, "--assignee", "me"]);
    expect(me.code).toBe(2);
    expect(me.stderr).toContain("--assignee: cannot be me: the command line runs as the operator, not as a member");
    const stranger = await postdesk(["ticket", "list", ...slug, "--assignee", "stranger@nowhere.test"]);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain("--assignee: must be nobody, or the email or id of a member of this company");
    const cursor = await postdesk(["ticket", "list", ...slug, "--after", "not-a-cursor", "--json"]);
    expect(cursor.code).toBe(2);
    expect(JSON.parse(cursor.stderr).error.fields).toEqual({
      "--after": ["must be the `next` cursor of an earlier page of this list, with the same --sort"],
    });
    const bad = await postdesk(["ticket", "list", ...slug, "--limit", "0", "--sort", "oldest", "--status", "open,done", "--json"]);
    expect(bad.code).toBe(2);
    expect(Object.keys(JSON.parse(bad.stderr).error.fields).sort()).toEqual(["--limit", "--sort", "--status"]);
    const otherDivision = await postdesk(["ticket", "list", ...slug, "--division", crypto.randomUUID()]);
    expect(otherDivision.code).toBe(1);
    expect(otherDivision.stderr).toContain("division not found");
  });
});
