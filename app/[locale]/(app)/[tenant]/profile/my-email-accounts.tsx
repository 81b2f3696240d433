import { getFormatter, getTranslations } from "next-intl/server";
import { Badge } from "@/app/_components/badge";
import { FormSection } from "@/app/_components/form-section";
import { tenantRequest } from "@/lib/auth/request";
import { scopeOf } from "@/lib/auth/context";
import { listMyAccounts, listMyPersonalMailboxes } from "@/lib/mailboxes/default-account";
import { AccountActionButton, PersonalAssignmentForm } from "./email-account-forms";
import { clearDefaultAccountAction, setDefaultAccountAction, setPersonalAssignmentAction } from "./email-accounts-actions";

/**
 * "My email accounts": per division, the accounts the member may send from, their default among
 * them (their replies leave from it when the ticket's team has no mailbox of its own) and what
 * happens without one; then their personal mailboxes, how each is doing and where its new tickets go.
 */
export async function MyEmailAccounts({ tenant }: { tenant: string }) {
  const { ctx, run } = await tenantRequest(tenant);
  const { divisions, personal } = await run(async (tx) => ({
    divisions: await listMyAccounts(tx, scopeOf(ctx)),
    personal: await listMyPersonalMailboxes(tx, scopeOf(ctx)),
  }));
  const t = await getTranslations("profile.emailAccounts");
  const format = await getFormatter();
  const now = new Date();
  const slug = ctx.tenant.slug;

  return (
    <FormSection title={t("title")} description={t("description")}>
      <div id="email-accounts" className="space-y-6">
        {divisions.length === 0 && <p className="text-sm text-zinc-500">{t("none")}</p>}
        {divisions.map((division) => (
          <div key={division.divisionId} className="space-y-3" data-division-accounts={division.divisionId}>
            <div>
              <h3 className="text-sm font-semibold text-zinc-900">{division.divisionName}</h3>
              <p className="text-xs leading-5 text-zinc-500">
                {division.defaultMailboxId
                  ? t("chosen")
                  : division.divisionDefault
                    ? t("withoutDefault", { name: division.divisionDefault.name, address: division.divisionDefault.address })
                    : t("withoutAny")}
              </p>
            </div>
            <ul className="divide-y divide-zinc-100 rounded-lg ring-1 ring-zinc-200">
              {division.accounts.map((account) => {
                const isDefault = account.id === division.defaultMailboxId;
                return (
                  <li
                    key={account.id}
                    data-account={account.address}
                    className="flex flex-wrap items-center justify-between gap-3 px-3 py-2.5"
                  >
                    <span className="min-w-0">
                      <span className="flex items-center gap-2">
                        <span className="truncate text-sm font-medium text-zinc-900">{account.name}</span>
                        <Badge tone="neutral">
                          {account.kind === "team" ? t("kinds.team", { team: account.teamName ?? "" }) : t(`kinds.${account.kind}`)}
                        </Badge>
                        {isDefault && <Badge tone="brand">{t("myDefault")}</Badge>}
                      </span>
                      <span className="block truncate text-xs text-zinc-500">{account.address}</span>
                    </span>
                    {isDefault ? (
                      <AccountActionButton
                        action={clearDefaultAccountAction.bind(null, slug)}
                        values={{ divisionId: division.divisionId }}
                        label={t("useDivisionDefault")}
                        variant="ghost"
                      />
                    ) : (
                      <AccountActionButton
                        action={setDefaultAccountAction.bind(null, slug)}
                        values={{ mailboxId: account.id }}
                        label={division.defaultMailboxId ? t("change") : t("setAsDefault")}
                        testId={`set-default-${account.id}`}
                      />
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        ))}

        {personal.length > 0 && (
          <div className="space-y-3 border-t border-zinc-100 pt-5">
            <h3 className="text-sm font-semibold text-zinc-900">{t("personalTitle")}</h3>
            <ul className="space-y-4">
              {personal.map((mailbox) => (
                <li key={mailbox.id} data-personal-mailbox={mailbox.address} className="space-y-3 rounded-lg p-3 ring-1 ring-zinc-200">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <span className="min-w-0">
                      <span className="block truncate text-sm font-medium text-zinc-900">{mailbox.name}</span>
                      <span className="block truncate text-xs text-zinc-500">
                        {mailbox.address} · {mailbox.divisionName}
                      </span>
                    </span>
                    <span className="text-right text-xs text-zinc-500">
                      <span className="block font-medium text-zinc-700">
                        {mailbox.active ? t(`states.${mailbox.connectionState}`) : t("states.paused")}
                      </span>
                      {/* A new mailbox's state already says it was not checked yet. */}
                      {mailbox.lastPollAt
                        ? t("lastPoll", { when: format.relativeTime(mailbox.lastPollAt, now) })
                        : mailbox.connectionState !== "new" && t("neverPolled")}
                    </span>
                  </div>
                  <PersonalAssignmentForm
                    action={setPersonalAssignmentAction.bind(null, slug)}
                    mailboxId={mailbox.id}
                    assignsToOwner={mailbox.assignsToOwner}
                  />
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </FormSection>
  );
}
