import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import type { MessageOrigin } from "@/lib/tickets/message-origin";

/**
 * Why a message is on this ticket, in words (how threading placed it at ingest, or who attached it
 * from the waiting list); for administrators also the received mail's headers, a click away, and
 * the mail itself as an `.eml` download.
 */
export function MessageOriginLine({
  origin,
  ticket,
  attachedBy,
  rawHref,
}: {
  origin: MessageOrigin;
  /** `[TAG#n]`, for a message matched by the tag in its subject. */
  ticket: string;
  attachedBy: string | null;
  /** The `.eml` download; only for those who may read the mail as received. */
  rawHref: string | null;
}) {
  const t = useTranslations("ticket.origin");
  const reason = origin.reason;
  const headers = rawHref ? origin.headers : null;
  if (!reason && !headers) return null;
  const text =
    reason === "attached"
      ? attachedBy
        ? t("attached", { who: attachedBy })
        : t("attachedBySomeone")
      : reason === "tag"
        ? t("tag", { ticket })
        : reason && t(reason);

  return (
    <div className="space-y-1 text-xs text-zinc-500">
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
        {text && (
          <span data-thread-reason={reason} title={t("why")} className="inline-flex items-center gap-1">
            <Icon name="info" className="size-3.5 shrink-0 text-zinc-400" />
            <span className="sr-only">{t("why")} </span>
            {text}
          </span>
        )}
        {rawHref && (
          <a
            href={rawHref}
            download
            data-download-eml
            className="inline-flex items-center gap-1 underline underline-offset-2 hover:no-underline print:hidden"
          >
            <Icon name="envelope" className="size-3.5 shrink-0" />
            {t("downloadEml")}
          </a>
        )}
      </p>
      {headers && (
        <details data-message-headers className="print:hidden">
          <summary className="cursor-pointer select-none hover:text-zinc-700">{t("headers")}</summary>
          <dl className="mt-1 max-h-80 overflow-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-relaxed text-zinc-700">
            {headers.map((field, index) => (
              <div key={index} className="break-all">
                <dt className="inline font-semibold">{field.name}:</dt> <dd className="inline">{field.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  );
}
