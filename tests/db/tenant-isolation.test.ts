import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { withTenant } from "../../db/tenant";
import { resolveTenantContext } from "../../lib/auth/context";
import {
  divisionSettingsChoices,
  getDivision,
  listDivisions,
  updateDivisionSettings,
} from "../../lib/divisions/divisions";
import { NotFoundError, RuleError } from "../../lib/errors";
import { createInvite, revokeInvite } from "../../lib/members/invites";
import { listMembers, listPendingInvites, removeMember, updateMember } from "../../lib/members/members";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

/**
 * The first wall: every lib function a page or server action calls keeps to the scope's tenant,
 * however it is handed another tenant's ids. Each case runs twice: in tenant A's transaction as the
 * app does (tenant filters and row-level security), and on the owner connection, where row-level
 * security does not apply, so that the tenant filters are shown to hold on their own.
 *
 * How it was checked that these tests bite: with `eq(divisions.tenantId, scope.tenantId)` deleted
 * from getDivision, the owner-connection runs of "getDivision …" and "updateDivisionSettings …" fail
 * (B's division is found), while the runs inside withTenant still pass: row-level security alone
 * then hides it, which tests/db/row-level-security.test.ts proves for every table.
 */

const db = await testDatabase();

async function twoTenants() {
  const a = await makeFilledTenant(db, "Alpha");
  const b = await makeFilledTenant(db, "Beta");
  return { a, b, bBefore: await snapshotTenant(db, b.tenant.id) };
}

type Run = <T>(tenantId: string, work: (tx: Transaction) => Promise<T>) => Promise<T>;

const ways: [string, Run][] = [
  ["inside tenant A's transaction", (tenantId, work) => withTenant(db, tenantId, work)],
  ["on the owner connection, by the tenant filters alone", (_tenantId, work) => db.transaction(work)],
];

describe.each(ways)("tenant A's scope handed tenant B's ids, %s", (_name, run) => {
  it("listDivisions lists only A's divisions", async () => {
    const { a, b } = await twoTenants();
    const listed = await run(a.tenant.id, (tx) => listDivisions(tx, a.scope));
    expect(listed.map((d) => d.id).sort()).toEqual([a.divisionId, a.secondDivisionId].sort());
    expect(listed.every((d) => d.tenantId === a.tenant.id)).toBe(true);
    expect(listed.map((d) => d.id)).not.toContain(b.divisionId);
  });

  it("getDivision does not find B's division", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(run(a.tenant.id, (tx) => getDivision(tx, a.scope, b.divisionId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("updateDivisionSettings does not find B's division and changes nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    const attempt = run(a.tenant.id, (tx) =>
      updateDivisionSettings(tx, a.scope, b.divisionId, { name: "Taken over", tag: "PWNED", sendingEnabled: false }),
    );
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("divisionSettingsChoices for B's division offers none of B's knowledge bases or templates", async () => {
    const { a, b } = await twoTenants();
    const choices = await run(a.tenant.id, (tx) => divisionSettingsChoices(tx, a.scope, b.divisionId));
    expect(choices.unprocessedTemplates).toEqual([]);
    expect(choices.knowledgeBases.map((kb) => kb.id)).toEqual([a.knowledgeBaseId]);
  });

  it("revokeInvite does not find B's invite, which stays", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(run(a.tenant.id, (tx) => revokeInvite(tx, a.scope, b.inviteId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("createInvite for one of B's members makes an invite of A only and does not tell B's members apart", async () => {
    const { a, b, bBefore } = await twoTenants();
    const { invite } = await run(a.tenant.id, (tx) =>
      createInvite(tx, a.scope, { email: b.agent.email, role: "agent" }),
    );
    expect(invite.tenantId).toBe(a.tenant.id);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("listMembers and listPendingInvites show only A's people", async () => {
    const { a, b } = await twoTenants();
    const members = await run(a.tenant.id, (tx) => listMembers(tx, a.scope));
    expect(members.map((m) => m.userId).sort()).toEqual([a.user.id, a.agent.id].sort());
    expect(members.map((m) => m.membershipId)).not.toContain(b.agentMembershipId);
    const invites = await run(a.tenant.id, (tx) => listPendingInvites(tx, a.scope));
    expect(invites.map((i) => i.id)).toEqual([a.inviteId]);
  });

  it("updateMember and removeMember do not find B's member and change nothing of B", async () => {
    const { a, b, bBefore } = await twoTenants();
    await expect(
      run(a.tenant.id, (tx) =>
        updateMember(tx, a.scope, {
          membershipId: b.agentMembershipId,
          role: "owner",
          mayPurge: true,
          mayReadOthersMailboxes: true,
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(run(a.tenant.id, (tx) => removeMember(tx, a.scope, b.agentMembershipId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("resolveTenantContext gives A's user no context in B, and B's user none in A", async () => {
    const { a, b } = await twoTenants();
    expect(await run(a.tenant.id, (tx) => resolveTenantContext(tx, a.user.id, b.tenant.slug))).toBeNull();
    expect(await run(a.tenant.id, (tx) => resolveTenantContext(tx, b.user.id, a.tenant.slug))).toBeNull();
    // The same call for A's own slug works, so null above is not a broken query.
    const own = await run(a.tenant.id, (tx) => resolveTenantContext(tx, a.user.id, a.tenant.slug));
    expect(own).toMatchObject({ tenant: { id: a.tenant.id }, role: "owner" });
  });

  it("refuses settings of A's division that point at B's member, template or knowledge base", async () => {
    const { a, b, bBefore } = await twoTenants();
    const aBefore = await snapshotTenant(db, a.tenant.id);
    const cases = [
      { unprocessedRecipientIds: [b.agent.id] },
      { unprocessedRecipientIds: [a.user.id, b.user.id] },
      { unprocessedTemplateId: b.templateId },
      { defaultKnowledgeBaseId: b.knowledgeBaseId },
    ];
    for (const patch of cases) {
      const attempt = run(a.tenant.id, (tx) => updateDivisionSettings(tx, a.scope, a.divisionId, patch));
      await expect(attempt, JSON.stringify(patch)).rejects.toBeInstanceOf(RuleError);
      await expect(attempt).rejects.toMatchObject({ fieldErrors: { [Object.keys(patch)[0]!]: ["invalidChoice"] } });
    }
    expect(await snapshotTenant(db, a.tenant.id)).toEqual(aBefore);
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });
});
