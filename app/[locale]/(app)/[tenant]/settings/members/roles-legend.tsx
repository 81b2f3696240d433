import { useTranslations } from "next-intl";
import { roles } from "@/lib/auth/roles";

/** One line on each role and right, under the list where they are chosen. */
export function RolesLegend() {
  const t = useTranslations("members");
  const tRoles = useTranslations("roles");
  const rights = ["mayReadOthersMailboxes", "mayPurge"] as const;
  return (
    <dl
      className="grid gap-x-6 gap-y-2 border-t border-zinc-100 bg-zinc-50/60 px-6 py-4 text-xs leading-5 text-zinc-600 sm:grid-cols-2"
      data-testid="roles-legend"
    >
      {roles.map((role) => (
        <div key={role}>
          <dt className="inline font-medium text-zinc-800">{tRoles(role)}: </dt>
          <dd className="inline">{t(`roleHelp.${role}`)}</dd>
        </div>
      ))}
      {rights.map((right) => (
        <div key={right}>
          <dt className="inline font-medium text-zinc-800">{t(`rights.${right}`)}: </dt>
          <dd className="inline">{t(`rightsHelp.${right}`)}</dd>
        </div>
      ))}
    </dl>
  );
}
