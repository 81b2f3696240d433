import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { json, postdesk } from "../setup/cli";
import { testDatabase } from "../setup/db";
import { outboundDesk } from "../setup/outbound-desk";

const db = await testDatabase();

describe("postdesk mailbox set-default and remove", () => {
  it("switches the division's default account, removes a mailbox, and lists it again only with --all", async () => {
    const desk = await outboundDesk(db);
    const first = await desk.addMailbox("first@acme.test");
    const second = await desk.addMailbox("second@acme.test");

    const setDefault = await postdesk(["mailbox", "set-default", "--mailbox", second.id, "--json"]);
    expect(json(setDefault)).toMatchObject({ id: second.id, isDefault: true });
    const human = await postdesk(["mailbox", "list", "--division", desk.divisionId]);
    expect(human.stdout).toMatch(/second \(default\) +second@acme\.test/);

    const removed = await postdesk(["mailbox", "remove", "--mailbox", second.id]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^removed +\S+$/m);
    expect(removed.stdout).toMatch(/^was the default +yes/m);
    const [row] = await desk.tx((t) => t.select().from(mailboxes).where(eq(mailboxes.id, second.id)));
    expect(row).toMatchObject({ active: false, isDefault: false, passwordEnc: null });

    const listed = json<{ id: string }[]>(await postdesk(["mailbox", "list", "--division", desk.divisionId, "--json"]));
    expect(listed.map((m) => m.id)).toEqual([first.id]);
    const all = await postdesk(["mailbox", "list", "--division", desk.divisionId, "--all"]);
    expect(all.stdout).toMatch(/second@acme\.test .* removed \d{4}-/);

    // Removed is removed: neither again, nor the default.
    const again = await postdesk(["mailbox", "remove", "--mailbox", second.id]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("mailboxRemoved");
  });
});
