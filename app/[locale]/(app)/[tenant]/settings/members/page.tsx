import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { Card, CardHeader } from "@/app/_components/card";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canAssignRole, canManageMembers, roles } from "@/lib/auth/roles";
import { listDeactivatedMembers, listMembers, listPendingInvites, openTicketCounts } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { SettingsBreadcrumb } from "../breadcrumb";
import {
  createInviteAction,
  deactivateMemberAction,
  reactivateMemberAction,
  removeMemberAction,
  revokeInviteAction,
  sendInviteAgainAction,
  updateMemberAction,
} from "./actions";
import { DeactivatedMemberRow } from "./deactivated-member-row";
import { InviteForm } from "./invite-form";
import { MemberRow } from "./member-row";
import { PendingInviteActions } from "./pending-invite-actions";
import { RolesLegend } from "./roles-legend";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "members" });
  return { title: t("title") };
}

export default async function MembersPage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const manager = canManageMembers(ctx.role);
  const now = new Date();
  const [members, deactivated, invites, openTickets] = await run((tx) =>
    Promise.all([
      listMembers(tx, scopeOf(ctx)),
      listDeactivatedMembers(tx, scopeOf(ctx)),
      manager ? listPendingInvites(tx, scopeOf(ctx), now) : Promise.resolve([]),
      manager ? openTicketCounts(tx, scopeOf(ctx)) : Promise.resolve(new Map<string, number>()),
    ]),
  );
  const t = await getTranslations("members");
  const tRoles = await getTranslations("roles");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={<SettingsBreadcrumb tenant={slug} trail={[{ label: t("title") }]} />}
        title={t("title")}
        description={t("description", { company: ctx.tenant.name })}
      />

      <div className="space-y-8">
        {manager && (
          <Card>
            <CardHeader title={t("invite.title")} description={t("invite.description")} />
            <InviteForm
              action={createInviteAction.bind(null, slug)}
              roleOptions={roles.filter((role) => canAssignRole(ctx.role, null, role))}
            />
          </Card>
        )}

        <Card>
          <CardHeader
            title={t("listTitle")}
            description={t("count", { count: members.length })}
            actions={!manager && <Badge tone="neutral">{t("readOnly")}</Badge>}
          />
          <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 md:grid">
            <span className="col-span-4">{t("columns.member")}</span>
            <span className="col-span-2">{t("columns.role")}</span>
            <span className="col-span-3">{t("columns.rights")}</span>
            <span className="col-span-3" />
          </div>
          <ul className="divide-y divide-zinc-100">
            {members.map((member) => {
              const editable = manager && canAssignRole(ctx.role, member.role, member.role);
              return (
                <li key={member.membershipId}>
                  <MemberRow
                    member={{
                      membershipId: member.membershipId,
                      name: member.name,
                      email: member.email,
                      role: member.role,
                      mayPurge: member.mayPurge,
                      mayReadOthersMailboxes: member.mayReadOthersMailboxes,
                    }}
                    isYou={member.userId === ctx.user.id}
                    editable={editable}
                    roleOptions={roles.filter((role) => canAssignRole(ctx.role, member.role, role))}
                    updateAction={updateMemberAction.bind(null, slug)}
                    removeAction={removeMemberAction.bind(null, slug)}
                    deactivation={{
                      company: ctx.tenant.name,
                      openTickets: openTickets.get(member.userId) ?? 0,
                      assignees: members
                        .filter((other) => other.userId !== member.userId)
                        .map(({ userId, name }) => ({ userId, name })),
                      action: deactivateMemberAction.bind(null, slug),
                    }}
                  />
                </li>
              );
            })}
          </ul>
          <RolesLegend />
        </Card>

        {deactivated.length > 0 && (
          <Card>
            <CardHeader title={t("deactivated.title")} description={t("deactivated.description")} />
            <ul className="divide-y divide-zinc-100" data-testid="deactivated-members">
              {deactivated.map((member) => (
                <li key={member.membershipId}>
                  <DeactivatedMemberRow
                    member={{ membershipId: member.membershipId, name: member.name, email: member.email, role: member.role }}
                    since={t("deactivated.since", { when: format.relativeTime(member.deactivatedAt!, now) })}
                    reactivateAction={
                      manager && canAssignRole(ctx.role, member.role, member.role)
                        ? reactivateMemberAction.bind(null, slug)
                        : undefined
                    }
                  />
                </li>
              ))}
            </ul>
          </Card>
        )}

        {manager && (
          <Card>
            <CardHeader title={t("pending.title")} description={t("pending.count", { count: invites.length })} />
            {invites.length === 0 ? (
              <p className="px-6 py-8 text-center text-sm text-zinc-500">{t("pending.empty")}</p>
            ) : (
              <ul className="divide-y divide-zinc-100">
                {invites.map((invite) => (
                  <li key={invite.id} className="flex flex-wrap items-center justify-between gap-3 px-5 py-4 sm:px-6">
                    <div className="min-w-0">
                      <p className="truncate text-sm font-medium text-zinc-900">{invite.email}</p>
                      <p className="mt-0.5 text-xs text-zinc-500" title={format.dateTime(invite.expiresAt, "dateTime")}>
                        {tRoles(invite.role)} · {t("pending.expires", { when: format.relativeTime(invite.expiresAt, now) })}
                      </p>
                    </div>
                    {canAssignRole(ctx.role, null, invite.role) && (
                      <PendingInviteActions
                        inviteId={invite.id}
                        email={invite.email}
                        sendAgainAction={sendInviteAgainAction.bind(null, slug)}
                        revokeAction={revokeInviteAction.bind(null, slug)}
                      />
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
