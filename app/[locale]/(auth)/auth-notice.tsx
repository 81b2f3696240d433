import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";
import { AuthCard } from "./auth-card";

type Tone = "info" | "warning" | "success";

const tones: Record<Tone, { box: string; icon: string; name: "envelope" | "link" | "checkCircle" | "info" }> = {
  info: { box: "bg-sky-50 text-sky-900 ring-sky-200", icon: "text-sky-600", name: "envelope" },
  warning: { box: "bg-amber-50 text-amber-900 ring-amber-200", icon: "text-amber-600", name: "link" },
  success: { box: "bg-emerald-50 text-emerald-900 ring-emerald-200", icon: "text-emerald-600", name: "checkCircle" },
};

/** A boxed message on the sign-in, sign-up and password screens. */
export function AuthNotice({ tone, children }: { tone: Tone; children: ReactNode }) {
  const { box, icon, name } = tones[tone];
  return (
    <div role="status" className={`flex items-start gap-3 rounded-lg px-4 py-3 text-sm ring-1 ring-inset ${box}`}>
      <Icon name={name} className={`mt-0.5 size-5 shrink-0 ${icon}`} />
      <div className="space-y-2">{children}</div>
    </div>
  );
}

/**
 * "Check your inbox" after a form that mails a link (sign-up, forgot password): the same for every
 * address. `mailOnConsole`: no mail server is set up, so the link is on the server's console.
 */
export function MailSentNotice({
  testId,
  title,
  message,
  help,
  mailOnConsole,
}: {
  testId: string;
  title: string;
  message: string;
  help?: string;
  mailOnConsole: boolean;
}) {
  const t = useTranslations("accountMailNotice");
  return (
    <div className="space-y-4" data-testid={testId}>
      <h2 className="text-lg font-semibold text-zinc-900">{title}</h2>
      <AuthNotice tone="info">
        <p>{message}</p>
        {mailOnConsole && <p>{t("console")}</p>}
      </AuthNotice>
      {help && <p className="text-sm leading-6 text-zinc-500">{help}</p>}
    </div>
  );
}

/** What a link from a mail shows once it is used up or expired: why, and where to go instead. */
export function LinkGoneCard({
  title,
  description,
  help,
  href,
  action,
}: {
  title: string;
  description?: string;
  help: string;
  href: string;
  action: string;
}) {
  return (
    <AuthCard title={title} description={description}>
      <AuthNotice tone="warning">
        <p>{help}</p>
      </AuthNotice>
      <Link href={href} className={`${buttonClasses("secondary")} mt-6 w-full`}>
        {action}
      </Link>
    </AuthCard>
  );
}
