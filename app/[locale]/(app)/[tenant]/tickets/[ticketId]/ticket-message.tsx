import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Badge } from "@/app/_components/badge";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";
import type { Delivery, TicketMessage } from "@/lib/tickets/tickets";
import type { ActionState } from "@/lib/auth/action";
import { MailAttachments, MailHtml, MailText } from "../../mail-reader";
import { sendErrorOf } from "../../outbox-errors";

function addressList(addresses: { address: string; name?: string }[]): string {
  return addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

const frames = {
  inbound: "border-zinc-200 bg-white",
  outbound: "border-brand-200 bg-brand-50/40",
  note: "border-amber-300 bg-amber-50 border-dashed",
} as const;

/**
 * One message of a ticket's history: who wrote it and how it travels (the customer's mail, a staff
 * reply or an automatic one, an internal note that is never sent), its text without quoted replies
 * with the full mail a click away, its attachments as downloads, and for mail we send, where it is.
 */
export function TicketMessageItem({
  message,
  attachmentHref,
  sendingEnabled,
  outboxHref,
  origin,
  actions,
  images,
}: {
  message: TicketMessage;
  /** How its HTML shows images: inline ones by Content-ID, remote ones or not, and how to ask. */
  images: {
    inline: Map<string, string>;
    remote: boolean;
    showHref: string;
    alwaysAction: (previous: ActionState<void> | undefined, input: { address: string }) => Promise<ActionState<void>>;
  };
  attachmentHref: (attachmentId: string) => string;
  sendingEnabled: boolean;
  outboxHref: string;
  /** Why the message is here, and for administrators the mail as received, under its header. */
  origin?: ReactNode;
  /** What a member can do with this message (split it out, move it to the trash), at its foot. */
  actions?: ReactNode;
}) {
  const t = useTranslations("ticket.message");
  const format = useFormatter();
  const shown = (message.displayText ?? message.text ?? "").trim();
  const full = (message.text ?? "").trim();
  const who =
    message.direction === "inbound"
      ? message.fromName || message.fromAddress || t("unknownSender")
      : (message.author?.name ?? t("automatic"));
  const kind =
    message.direction === "inbound"
      ? t("customer")
      : message.direction === "note"
        ? t("note")
        : message.author
          ? t("reply")
          : t("automaticMessage");

  return (
    <article
      data-message={message.id}
      data-direction={message.direction}
      data-private={message.private || undefined}
      aria-label={`${kind}: ${who}`}
      className={`rounded-xl border shadow-xs ${frames[message.direction]}`}
    >
      <header className="flex flex-wrap items-start justify-between gap-x-4 gap-y-1 px-5 pt-4">
        <div className="min-w-0">
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="font-semibold text-zinc-900">{who}</span>
            {message.direction === "inbound" && message.fromName && message.fromAddress && (
              <span className="text-zinc-500">&lt;{message.fromAddress}&gt;</span>
            )}
            {message.direction === "note" ? (
              <span className="inline-flex items-center gap-1 rounded-md bg-amber-200/70 px-2 py-0.5 text-xs font-semibold text-amber-900">
                <Icon name="lock" className="size-3.5" />
                {kind}
              </span>
            ) : (
              <Badge tone={message.direction === "inbound" ? "neutral" : "brand"}>{kind}</Badge>
            )}
            {message.private && message.direction !== "note" && (
              <span data-private-flag className="inline-flex items-center gap-1 text-xs font-medium text-zinc-600">
                <Icon name="lock" className="size-3.5" />
                {t("private")}
              </span>
            )}
          </p>
          {message.direction === "outbound" && message.toAddresses.length > 0 && (
            <p className="mt-0.5 truncate text-xs text-zinc-500">
              {t("to", { recipients: addressList(message.toAddresses) })}
              {message.ccAddresses.length > 0 && ` · ${t("cc", { recipients: addressList(message.ccAddresses) })}`}
            </p>
          )}
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <time dateTime={message.createdAt.toISOString()} className="text-xs whitespace-nowrap text-zinc-500">
            {format.dateTime(message.createdAt, "dateTime")}
          </time>
        </div>
      </header>
      {origin && <div className="px-5 pt-1">{origin}</div>}

      <div className="px-5 py-3">
        {message.html ? (
          <MailHtml
            html={message.html}
            inlineImages={images.inline}
            remoteImages={images.remote}
            showImagesHref={images.showHref}
            sender={message.direction === "inbound" ? message.fromAddress : null}
            alwaysShowImagesAction={images.alwaysAction}
          />
        ) : (
          <MailText shown={shown} full={full} />
        )}
      </div>

      <MailAttachments
        className="px-5 pb-4"
        attachments={message.attachments.map((attachment) => ({ ...attachment, href: attachmentHref(attachment.id) }))}
      />

      {message.delivery && (
        <DeliveryLine delivery={message.delivery} sendingEnabled={sendingEnabled} outboxHref={outboxHref} />
      )}
      {actions && <footer className="flex justify-end gap-2 px-3 pb-2 print:hidden">{actions}</footer>}
    </article>
  );
}

/** Where a mail we send is: held, waiting, retrying, sending, sent, or failed with the reason in words. */
function DeliveryLine({
  delivery,
  sendingEnabled,
  outboxHref,
}: {
  delivery: Delivery;
  sendingEnabled: boolean;
  outboxHref: string;
}) {
  const t = useTranslations("ticket.delivery");
  const tErrors = useTranslations("outbox.errors");
  const format = useFormatter();
  const now = new Date();
  const error = delivery.lastErrorCode ? sendErrorOf(delivery.lastErrorCode) : null;

  let tone: "zinc" | "amber" | "green" | "red" = "zinc";
  let text: string;
  // A relative time's moment, in full, for its tooltip.
  let at: Date | null = null;
  switch (delivery.status) {
    case "sent":
      tone = "green";
      text = t("sent", { when: format.relativeTime(delivery.sentAt ?? now, now) });
      at = delivery.sentAt;
      break;
    case "sending":
      text = t("sending");
      break;
    case "error":
      tone = "red";
      text = t("error", { reason: tErrors(`${error ?? "other"}.title`) });
      break;
    default:
      if (!sendingEnabled) {
        tone = "amber";
        text = t("held");
      } else if (delivery.attempts > 0) {
        tone = "amber";
        text = t("retrying", { when: format.relativeTime(delivery.nextAttemptAt, now) });
        at = delivery.nextAttemptAt;
      } else {
        text = t("ready");
      }
  }
  const tones = {
    zinc: "border-zinc-200 text-zinc-600",
    amber: "border-amber-200 text-amber-800",
    green: "border-emerald-200 text-emerald-700",
    red: "border-red-200 text-red-700",
  } as const;
  const held = delivery.status === "ready" && !sendingEnabled;

  return (
    <footer
      data-delivery-status={delivery.status}
      data-delivery-held={held || undefined}
      className={`space-y-1 border-t px-5 py-2.5 text-xs ${tones[tone]}`}
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <Icon name={delivery.status === "sent" ? "checkCircle" : delivery.status === "error" ? "alert" : "clock"} className="size-4 shrink-0" />
        <span className="font-medium" title={at ? format.dateTime(at, "dateTime") : undefined}>
          {text}
        </span>
        {(delivery.status === "error" || held) && (
          <Link href={outboxHref} className="underline underline-offset-2 hover:no-underline">
            {t("openOutbox")}
          </Link>
        )}
      </p>
      {error && delivery.status !== "sent" && (
        <p className="text-zinc-600">
          {delivery.status === "ready" && <span className="font-medium">{tErrors(`${error}.title`)}: </span>}
          {tErrors(`${error}.hint`)}
        </p>
      )}
    </footer>
  );
}
