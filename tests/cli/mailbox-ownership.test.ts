import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { memberships, users } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

function mailboxFlags(divisionId: string, address: string): string[] {
  const all = { division: divisionId, name: "Anna", address, protocol: "imap", host: "imap.acme.test", security: "tls", username: address };
  return [...Object.entries(all).flatMap(([name, value]) => [`--${name}`, value]), "--password-stdin", "--json"];
}

/** The refusal's sentences per flag, from `--json`'s error. */
const fieldsOf = (stderr: string): Record<string, string[]> => JSON.parse(stderr).error.fields;

describe("postdesk mailbox add: whose the mailbox is and what its tickets start with", () => {
  it("adds an operator's personal account whose tickets wait in their personal queue, with priority and tags", async () => {
    const company = await makeTenant(db, "Personal");
    const [anna] = await db
      .insert(users)
      .values({ email: `anna-${crypto.randomBytes(4).toString("hex")}@acme.test`, name: "Anna", passwordHash: "not-a-real-hash" })
      .returning();
    await withTenant(db, company.tenant.id, (tx) =>
      tx.insert(memberships).values({ tenantId: company.tenant.id, userId: anna!.id, role: "agent" }),
    );
    const add = await postdesk(
      [
        "mailbox",
        "add",
        ...mailboxFlags(company.divisionId, "anna@acme.test"),
        "--owner",
        anna!.id,
        "--leave-unassigned",
        "--default-priority",
        "high",
        "--default-tags",
        " VIP, Invoice,vip",
      ],
      { input: "Anna-Password-1\n" },
    );
    expect(add.code).toBe(0);
    expect(json(add)).toMatchObject({
      ownerUserId: anna!.id,
      teamId: null,
      defaultAssigneeId: null,
      defaultPriority: "high",
      defaultTags: ["vip", "invoice"],
    });
    const show = await postdesk(["mailbox", "show", "--mailbox", json(add).id]);
    expect(show.stdout).toMatch(new RegExp(`^belongs to +operator ${anna!.id} \\(personal\\)$`, "m"));
    expect(show.stdout).toMatch(/^new tickets +priority high; tags vip, invoice; unassigned$/m);
  });

  it("refuses an owner who is no member, a team with an owner, and a tag with too many characters, naming flags", async () => {
    const company = await makeTenant(db, "Refused");
    const stranger = await postdesk(["mailbox", "add", ...mailboxFlags(company.divisionId, "x@acme.test"), "--owner", crypto.randomUUID()], {
      input: "Password-1\n",
    });
    expect(stranger.code).not.toBe(0);
    expect(fieldsOf(stranger.stderr)).toEqual({ "--owner": ["must be the user id of an active member of this company"] });

    const both = await postdesk(
      [
        "mailbox",
        "add",
        ...mailboxFlags(company.divisionId, "y@acme.test"),
        "--owner",
        crypto.randomUUID(),
        "--team",
        crypto.randomUUID(),
        "--default-tags",
        "x".repeat(40),
      ],
      { input: "Password-1\n" },
    );
    expect(both.code).not.toBe(0);
    expect(fieldsOf(both.stderr)).toMatchObject({
      "--owner": ["cannot go with --team: a mailbox is a team's or one operator's"],
      "--default-tags": ["must be tags of at most 32 characters each"],
    });
  });
});
