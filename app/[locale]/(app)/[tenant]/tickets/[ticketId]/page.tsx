import type { Metadata } from "next";
import { getFormatter, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { cache, Suspense } from "react";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { Link } from "@/lib/i18n/navigation";
import { otherOpenTickets } from "@/lib/contacts/history";
import { listDeactivatedMembers, listMembers } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { canReadReceivedMail, isReadOnly } from "@/lib/auth/roles";
import { listTicketEvents, type TicketEvent } from "@/lib/tickets/events";
import { listMessageOrigins } from "@/lib/tickets/message-origin";
import { listDivisionsWithTeams } from "@/lib/teams/teams";
import { findDivision } from "@/db/queries/divisions";
import { survivorOf, ticketsMergedInto } from "@/lib/tickets/merge";
import { inlineImagesOf } from "@/lib/tickets/inline-images";
import { markTicketRead } from "@/lib/tickets/reads";
import { getTicket, type TicketMessage } from "@/lib/tickets/tickets";
import { sendersWithImages } from "@/lib/users/remote-images";
import { redirect } from "@/lib/i18n/navigation";
import { alwaysShowImagesAction } from "../../mail-actions";
import { readOrNotFound } from "../../read-or-not-found";
import { TicketPriorityBadge } from "../ticket-labels";
import { moveToTrashAction, restoreFromTrashAction } from "../../trash/actions";
import { TrashActionButton } from "../../trash/trash-action-button";
import { TicketStatusBadge } from "../ticket-status-badge";
import {
  addNoteAction,
  assignTicketAction,
  changeTicketTagsAction,
  moveTicketAction,
  replyToTicketAction,
  setTicketPriorityAction,
  setTicketStatusAction,
} from "./actions";
import { listCannedRepliesAction } from "./canned-reply-actions";
import { Composer } from "./composer";
import { CustomerTickets } from "./customer-tickets";
import { PriorityControl, TagsControl } from "./labels-control";
import { TicketShortcuts } from "./ticket-shortcuts";
import { MergeControl } from "./merge-control";
import { mergeTicketAction, searchMergeTargetsAction, splitMessageAction } from "./merge-actions";
import { reportViewingAction } from "./presence-actions";
import { ServiceLevelBadge } from "./service-level-badge";
import { SplitMessageButton } from "./split-message-button";
import { SuggestedAnswers } from "./suggested-answers";
import { AssignControl, MoveControl, StatusControl } from "./ticket-controls";
import { MessageOriginLine } from "./message-origin";
import { PrintButton } from "./print-button";
import { type EventNames, TicketEventItem } from "./ticket-event";
import { TicketMessageItem } from "./ticket-message";
import { TicketPresence } from "./ticket-presence";

interface Props {
  params: Promise<{ locale: string; tenant: string; ticketId: string }>;
  /** `images`: the message whose remote images the reader asked to see. */
  searchParams: Promise<{ images?: string | string[] }>;
}

/** Everything the page shows, read once per request (the title and the page share it). */
const loadTicketPage = cache(async (tenant: string, ticketId: string) => {
  const { ctx, run } = await tenantRequest(tenant);
  const loaded = await readOrNotFound(run, [ticketId], async (tx) => {
    const scope = scopeOf(ctx);
    const view = await getTicket(tx, scope, ticketId);
    // A merged ticket's page is its survivor's: its messages live there now.
    const survivorId = view.ticket.mergedIntoId ? await survivorOf(tx, scope, ticketId) : null;
    // Opening the ticket reads it: the queue stops showing it unread to this member.
    if (!survivorId) await markTicketRead(tx, scope, { userId: ctx.user.id, ticketId });
    const merged = await ticketsMergedInto(tx, scope, ticketId);
    const divisions = await listDivisionsWithTeams(tx, scope);
    const members = await listMembers(tx, scope);
    // Not offered as assignees, but their name stays on what they did and on what they still hold.
    const formerMembers = await listDeactivatedMembers(tx, scope);
    const events = await listTicketEvents(tx, scope, ticketId);
    const origins = await listMessageOrigins(tx, scope, { ticketId, withHeaders: canReadReceivedMail(ctx.role) });
    const inlineImages = await inlineImagesOf(tx, scope, view.messages.filter((message) => message.html).map((message) => message.id));
    const imageSenders = await sendersWithImages(tx, scope, {
      userId: ctx.user.id,
      addresses: view.messages.flatMap((message) => (message.html && message.fromAddress ? [message.fromAddress] : [])),
    });
    const customerTickets = await otherOpenTickets(tx, scope, { ticketId });
    // The service level reads in the division's time zone, warned by its "escalate before".
    const serviceLevels = await findDivision(tx, scope, { divisionId: view.division.id });
    return {
      serviceLevels,
      view,
      customerTickets,
      events,
      origins,
      inlineImages,
      imageSenders,
      survivorId,
      merged,
      members: members.map(({ userId, name, email }) => ({ userId, name, email })),
      formerMembers: formerMembers.map(({ userId, name, email }) => ({ userId, name, email })),
      divisions,
    };
  });
  return { ctx, ...loaded };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { locale, tenant, ticketId } = await params;
  setPageLocale(locale);
  const { view } = await loadTicketPage(tenant, ticketId);
  return { title: `[${view.division.tag}#${view.ticket.number}] ${view.ticket.subject}` };
}

/** One ticket: where it stands, its whole conversation, and the reply and note forms. */
export default async function TicketPage({ params, searchParams }: Props) {
  const { locale, tenant, ticketId } = await params;
  const { images: imagesShownFor } = await searchParams;
  setPageLocale(locale);
  const { ctx, view, survivorId, merged, members, formerMembers, divisions, events, origins, inlineImages, imageSenders, customerTickets, serviceLevels } =
    await loadTicketPage(tenant, ticketId);
  if (survivorId) redirect({ href: `/${ctx.tenant.slug}/tickets/${survivorId}`, locale: setPageLocale(locale) });
  const { ticket, division, contact, team, assignee, messages } = view;
  // Remote images pass the page's policy only when its address asks (lib/security/content-policy.ts):
  // a member who always shows a sender's images is sent to the address that asks for them.
  const alwaysShown = (message: TicketMessage) =>
    message.direction === "inbound" && imageSenders.has(message.fromAddress?.toLowerCase() ?? "");
  if (imagesShownFor === undefined && messages.some((message) => message.html && alwaysShown(message))) {
    redirect({ href: `/${ctx.tenant.slug}/tickets/${ticket.id}?images=always`, locale: setPageLocale(locale) });
  }
  const t = await getTranslations("ticket");
  const tTickets = await getTranslations("tickets");
  const tTrash = await getTranslations("trash");
  const tContacts = await getTranslations("contacts");
  const format = await getFormatter();
  const slug = ctx.tenant.slug;
  const ticketHref = `/${slug}/tickets/${ticket.id}`;
  const outboxHref = `/${slug}/settings/divisions/${division.id}/outbox`;
  // In the trash, the ticket is read-only: no reply, note or change until it is restored.
  const trashedAt = ticket.deletedAt;
  // In the trash a ticket is only read and restored; a light agent only reads.
  const readOnly = isReadOnly(ctx.role);
  const editable = !trashedAt && !readOnly;
  const everyone = [...members, ...formerMembers];
  const deletedBy = everyone.find((member) => member.userId === ticket.deletedById)?.name ?? tTrash("unknownDeleter");
  const trashAction = moveToTrashAction.bind(null, slug);
  const memberName = (id: string) => everyone.find((member) => member.userId === id)?.name ?? null;
  const formerAssignee = formerMembers.find((member) => member.userId === ticket.assigneeId);
  const names: EventNames = {
    member: memberName,
    division: (id) => divisions.find((d) => d.id === id)?.name ?? null,
    team: (id) => divisions.flatMap((d) => d.teams).find((team) => team.id === id)?.name ?? null,
  };
  const mayReadReceivedMail = canReadReceivedMail(ctx.role);
  const conversation = inTimeOrder(messages, events);
  const originOf = (messageId: string) => {
    const origin = origins.get(messageId);
    if (!origin) return undefined;
    return (
      <MessageOriginLine
        origin={origin}
        ticket={`[${division.tag}#${ticket.number}]`}
        attachedBy={origin.attachedById ? memberName(origin.attachedById) : null}
        rawHref={
          mayReadReceivedMail && origin.rawAvailable ? `/${locale}${ticketHref}/messages/${messageId}/raw` : null
        }
      />
    );
  };
  const customer = contact
    ? contact.name
      ? `${contact.name} <${contact.email}>`
      : contact.email
    : (messages.find((message) => message.direction === "inbound" && message.fromAddress)?.fromAddress ?? null);

  return (
    <>
      <TicketShortcuts />
      <PageHeader
        eyebrow={
          <Link
            href={`/${slug}/tickets?division=${division.id}`}
            className="inline-flex items-center gap-1.5 text-zinc-500 hover:text-zinc-800 print:hidden"
          >
            <Icon name="arrowLeft" className="size-4" />
            {t("backToQueue", { division: division.name })}
          </Link>
        }
        title={
          <span className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
            <span className="font-mono text-lg font-medium text-zinc-500">
              [{division.tag}#{ticket.number}]
            </span>
            <span className="break-words">{ticket.subject || tTickets("noSubject")}</span>
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-2">
            <TicketStatusBadge status={ticket.status} />
            {serviceLevels && <ServiceLevelBadge ticket={ticket} division={serviceLevels} now={new Date()} />}
            {ticket.priority !== "normal" && <TicketPriorityBadge priority={ticket.priority} />}
            {ticket.highlighted && (
              <span className="rounded bg-red-100 px-1.5 text-xs font-semibold text-red-800">
                {tTickets("highlighted")}
              </span>
            )}
            <span>{t("opened", { when: format.dateTime(ticket.createdAt, "dateTime") })}</span>
            <TicketPresence ticketId={ticket.id} action={reportViewingAction.bind(null, slug)} />
          </span>
        }
        actions={
          <div className="flex flex-wrap items-center gap-2 print:hidden">
            <PrintButton />
            {editable && (
              <TrashActionButton
                name="moveToTrash"
                input={{ kind: "ticket", id: ticket.id }}
                action={trashAction}
                label={t("trash.deleteTicket")}
                confirm={t("trash.deleteTicketConfirm")}
                icon="trash"
                variant="danger"
              />
            )}
          </div>
        }
      />
      {trashedAt && (
        <div
          role="status"
          data-ticket-trashed
          className="mb-6 flex flex-wrap items-center justify-between gap-3 rounded-xl border border-red-200 print:hidden bg-red-50 px-5 py-3 text-sm text-red-900"
        >
          <p className="flex items-center gap-2">
            <Icon name="trash" className="size-5 shrink-0" />
            {t("trash.banner", {
              when: format.dateTime(trashedAt, "dateTime"),
              who: deletedBy,
            })}
          </p>
          <TrashActionButton
            name="restore"
            input={{ kind: "ticket", id: ticket.id }}
            action={restoreFromTrashAction.bind(null, slug)}
            label={tTrash("restore")}
            icon="refresh"
          />
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-3 lg:items-start print:block">
        <div className="space-y-4 lg:col-span-2">
          <h2 className="sr-only">{t("history")}</h2>
          {merged.length > 0 && (
            <ul aria-label={t("merge.mergedHere")} className="space-y-2">
              {merged.map((source) => (
                <li
                  key={source.id}
                  data-merged-ticket={source.number}
                  className="flex flex-wrap items-center gap-x-2 rounded-lg bg-zinc-100 px-4 py-2 text-sm text-zinc-700"
                >
                  <Icon name="link" className="size-4 text-zinc-400" />
                  {t("merge.mergedNote", { ticket: `[${division.tag}#${source.number}]`, subject: source.subject })}
                  {source.mergedAt && (
                    <span className="text-xs text-zinc-500">
                      {format.dateTime(source.mergedAt, "dateTime")}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {messages.length === 0 ? (
            <p className="rounded-xl border border-dashed border-zinc-300 bg-white px-5 py-8 text-center text-sm text-zinc-500">
              {t("noMessages")}
            </p>
          ) : (
            <ol className="space-y-4" aria-label={t("history")}>
              {conversation.map((item) =>
                item.type === "event" ? (
                  <li key={`event-${item.event.id}`}>
                    <TicketEventItem event={item.event} names={names} tag={division.tag} />
                  </li>
                ) : (
                  <li key={item.message.id}>
                    <TicketMessageItem
                      message={item.message}
                      attachmentHref={(attachmentId) => `/${locale}${ticketHref}/attachments/${attachmentId}`}
                      sendingEnabled={division.sendingEnabled}
                      outboxHref={outboxHref}
                      origin={originOf(item.message.id)}
                      images={{
                        inline: inlineImages.get(item.message.id) ?? new Map(),
                        remote: imagesShownFor !== undefined && (imagesShownFor === item.message.id || alwaysShown(item.message)),
                        showHref: `${ticketHref}?images=${item.message.id}`,
                        alwaysAction: alwaysShowImagesAction.bind(null, slug),
                      }}
                      actions={
                        !editable ? undefined : (
                          <>
                            {messages.length > 1 && (
                              <SplitMessageButton
                                messageId={item.message.id}
                                ticketsHref={`/${slug}/tickets`}
                                action={splitMessageAction.bind(null, slug)}
                              />
                            )}
                            <TrashActionButton
                              name="moveToTrash"
                              input={{ kind: "message", id: item.message.id }}
                              action={trashAction}
                              label={t("trash.deleteMessage")}
                              confirm={t("trash.deleteMessageConfirm")}
                              variant="ghost"
                            />
                          </>
                        )
                      }
                    />
                  </li>
                ),
              )}
            </ol>
          )}
          {readOnly && !trashedAt && (
            <p role="status" data-read-only className="rounded-lg border border-zinc-200 bg-zinc-50 p-4 text-sm text-zinc-700 print:hidden">
              {t("readOnly")}
            </p>
          )}
          {editable && (
            <div data-composer className="print:hidden">
              <Composer
                ticketId={ticket.id}
                customer={customer}
                sendingEnabled={division.sendingEnabled}
                replyAction={replyToTicketAction.bind(null, slug)}
                noteAction={addNoteAction.bind(null, slug)}
                cannedAction={listCannedRepliesAction.bind(null, slug)}
              />
            </div>
          )}
        </div>

        <aside className="space-y-4 lg:sticky lg:top-6 print:hidden">
          <Card>
            <CardHeader title={t("details.title")} />
            <CardBody className="space-y-4">
              <dl className="space-y-3 text-sm">
                <Detail label={t("details.customer")}>
                  {contact ? (
                    <>
                      {ticket.contactId ? (
                        <Link
                          href={`/${slug}/contacts/${ticket.contactId}`}
                          title={tContacts("sidebar.openContact")}
                          className="block font-medium text-brand-700 hover:underline"
                          data-customer-link
                        >
                          {contact.name ?? contact.email}
                        </Link>
                      ) : (
                        <span className="block font-medium text-zinc-900">{contact.name ?? contact.email}</span>
                      )}
                      {contact.name && <span className="block text-zinc-500">{contact.email}</span>}
                    </>
                  ) : (
                    <span className="text-zinc-500">{customer ?? t("details.noCustomer")}</span>
                  )}
                </Detail>
                <Detail label={t("details.division")}>
                  {division.name} <span className="font-mono text-xs text-zinc-500">{division.tag}</span>
                </Detail>
                <Detail label={t("details.team")}>{team?.name ?? <span className="text-zinc-500">{t("details.noTeam")}</span>}</Detail>
                <Detail label={t("details.assignee")}>
                  {assignee?.name ?? <span className="text-zinc-500">{t("details.unassigned")}</span>}
                </Detail>
              </dl>
            </CardBody>
          </Card>

          {!trashedAt && (
            <Suspense>
              <SuggestedAnswers tenant={tenant} ticketId={ticket.id} divisionId={division.id} mayInsert={editable && customer !== null} />
            </Suspense>
          )}

          {ticket.contactId && <CustomerTickets slug={slug} contactId={ticket.contactId} tickets={customerTickets} />}

          {editable && (
            <>
              <Card>
                <CardHeader title={t("status.title")} />
                <CardBody>
                  <StatusControl ticketId={ticket.id} status={ticket.status} action={setTicketStatusAction.bind(null, slug)} />
                </CardBody>
              </Card>

              <Card>
                <CardHeader title={t("labels.title")} />
                <CardBody className="space-y-4">
                  <PriorityControl
                    ticketId={ticket.id}
                    priority={ticket.priority}
                    action={setTicketPriorityAction.bind(null, slug)}
                  />
                  <TagsControl ticketId={ticket.id} tags={ticket.tags} action={changeTicketTagsAction.bind(null, slug)} />
                </CardBody>
              </Card>

              <Card>
                <CardHeader title={t("assign.title")} />
                <CardBody>
                  <AssignControl
                    ticketId={ticket.id}
                    assigneeId={ticket.assigneeId}
                    me={ctx.user.id}
                    members={formerAssignee ? [...members, { ...formerAssignee, deactivated: true }] : members}
                    action={assignTicketAction.bind(null, slug)}
                  />
                </CardBody>
              </Card>

              <Card>
                <CardHeader title={t("move.title")} />
                <CardBody>
                  <MoveControl
                    ticketId={ticket.id}
                    divisionId={division.id}
                    teamId={ticket.teamId}
                    divisions={divisions}
                    action={moveTicketAction.bind(null, slug)}
                  />
                </CardBody>
              </Card>

              <Card>
                <CardHeader title={t("merge.title")} />
                <CardBody>
                  <MergeControl
                    ticketId={ticket.id}
                    tag={division.tag}
                    number={ticket.number}
                    ticketsHref={`/${slug}/tickets`}
                    searchAction={searchMergeTargetsAction.bind(null, slug)}
                    mergeAction={mergeTicketAction.bind(null, slug)}
                  />
                </CardBody>
              </Card>
            </>
          )}
        </aside>
      </div>
    </>
  );
}

type ConversationItem = { type: "message"; message: TicketMessage; at: Date } | { type: "event"; event: TicketEvent; at: Date };

/** Messages and changes as they happened; at the same instant the message comes first (a reply, then the status it set). */
function inTimeOrder(messages: TicketMessage[], events: TicketEvent[]): ConversationItem[] {
  const items: ConversationItem[] = [
    ...messages.map((message) => ({ type: "message" as const, message, at: message.createdAt })),
    ...events.map((event) => ({ type: "event" as const, event, at: event.at })),
  ];
  // A stable sort keeps each kind in its own (already time-ordered) order on ties.
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-zinc-500">{label}</dt>
      <dd className="mt-0.5 break-words text-zinc-800">{children}</dd>
    </div>
  );
}
