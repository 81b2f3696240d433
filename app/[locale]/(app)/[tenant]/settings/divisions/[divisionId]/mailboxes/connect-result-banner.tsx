import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import type { ConnectResult } from "@/lib/mailboxes/oauth-connection";

/** What the last "Connect with …" came to, when the provider's callback sent the browser back here. */
export function ConnectResultBanner({ result }: { result: ConnectResult }) {
  const t = useTranslations("mailboxes.oauth.results");
  const ok = result === "connected";
  return (
    <div
      role={ok ? "status" : "alert"}
      data-testid="oauth-result"
      data-result={result}
      className={`mb-6 rounded-lg px-4 py-3 text-sm ring-1 ring-inset ${
        ok ? "bg-emerald-50 text-emerald-900 ring-emerald-200" : "bg-red-50 text-red-900 ring-red-200"
      }`}
    >
      <p className="flex items-start gap-2 font-semibold">
        <Icon name={ok ? "checkCircle" : "xCircle"} className={`size-5 shrink-0 ${ok ? "text-emerald-600" : "text-red-600"}`} />
        {t(`${result}.title`)}
      </p>
      <p className="mt-1 pl-7 leading-6">{t(`${result}.hint`)}</p>
    </div>
  );
}
