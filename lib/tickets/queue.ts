import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import {
  contacts,
  divisions,
  mailboxes,
  messages,
  teams,
  ticketReads,
  type TicketPriority,
  type TicketStatus,
  ticketPriorityEnum,
  ticketStatusEnum,
  tickets,
  users,
} from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { RuleError } from "@/lib/errors";
import { matchingIds, numberMatch, type ParsedSearch, textMatch } from "./queue-search";

/**
 * The ticket queue: the tickets of every division a member sees (or one), narrowed by status,
 * team, assignee, priority, tag, highlight, creation date, service level and a search, in one of
 * four orders, a page at a time.
 *
 * It stays as fast on page 500 of a million tickets as on page 1 because nothing is counted or
 * sorted beyond a page:
 * - each order is an index walked from where the last page ended (a keyset cursor, never OFFSET):
 *   tickets_activity_idx, tickets_division_activity_idx, tickets_created_idx, tickets_priority_idx,
 *   tickets_sla_due_idx (the due time, and the "breaching soon" and "breached" filters);
 * - the page is chosen first, and only its rows are joined to customers, teams and assignees and
 *   have their messages counted and previewed;
 * - the tabs count at most COUNT_CAP tickets each ("1000+"), through tickets_status_idx;
 * - a search that matches few tickets reads just those, through the search indexes (searchCondition).
 */
export const QUEUE_PAGE_SIZE = 50;
/** Beyond this a tab says "1000+": exact counts of a huge queue cost a scan and help nobody. */
export const COUNT_CAP = 1000;

export type QueueSort = "activity" | "created" | "priority" | "due";
export const QUEUE_SORTS: readonly QueueSort[] = ["activity", "created", "priority", "due"];

/**
 * The service-level filter: "soon", the due time within the ticket's division's "escalate before"
 * minutes from now (not yet passed); "breached", the due time passed. Tickets without one match neither.
 */
export type ServiceLevelFilter = "soon" | "breached";
export const SERVICE_LEVEL_FILTERS: readonly ServiceLevelFilter[] = ["soon", "breached"];

export type AssigneeFilter = { kind: "nobody" } | { kind: "user"; userId: string };

export interface QueueQuery {
  /** Absent: every division of the tenant. */
  divisionIds?: readonly string[];
  /**
   * The statuses listed: one set for all, or per division (the default tab follows each division's
   * "show answered / on hold"). Absent: all.
   */
  statuses?: readonly TicketStatus[] | ReadonlyMap<string, readonly TicketStatus[]>;
  teamId?: string;
  assignee?: AssigneeFilter;
  /** The personal queue: tickets of this member's own personal mailboxes, assigned or not. */
  personalMailboxesOf?: string;
  priority?: TicketPriority;
  tag?: string;
  highlighted?: boolean;
  /** Created on or after. */
  createdFrom?: Date;
  /** Created before. */
  createdBefore?: Date;
  serviceLevel?: ServiceLevelFilter;
  /** The moment the service-level filter measures from; absent: now. */
  now?: Date;
  search?: ParsedSearch | null;
  sort?: QueueSort;
  /** A cursor from a page's `next` (the page after it) or `previous` (the page before it). */
  after?: string;
  before?: string;
  limit?: number;
}

/** The member looking: their read marks make the unread markers. */
export interface QueueViewer {
  userId: string;
}

export type QueueRow = Awaited<ReturnType<typeof pageRows>>[number];

export interface QueuePage {
  /** On a search's first page, the tickets whose number it names, whatever the filters: "jump to". */
  pinned: QueueRow[];
  rows: QueueRow[];
  next: string | null;
  previous: string | null;
}

/**
 * Where a page ends: the sort's values of its last (or first) row, exactly as the database holds
 * them. A ticket without a due time ends a page of the due sort with "" as its sort value.
 */
type Cursor = [sortValue: string, updatedAt: string, id: string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

/** A timestamp as Postgres writes it (ISO DateStyle): what a cursor of ours holds. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor from an address for this sort; one that is not ours is refused, never handed to SQL. */
function decodeCursor(sort: QueueSort, value: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString());
  } catch {
    parsed = null;
  }
  if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === "string")) {
    const [sortValue, updatedAt, id] = parsed as Cursor;
    const sortValueFits =
      sort === "priority"
        ? (ticketPriorityEnum.enumValues as readonly string[]).includes(sortValue)
        : TIMESTAMP.test(sortValue) || (sort === "due" && sortValue === "");
    if (sortValueFits && TIMESTAMP.test(updatedAt) && UUID.test(id)) return [sortValue, updatedAt, id];
  }
  throw new RuleError("queueCursorInvalid");
}

/**
 * The sort's columns, most significant first; every one descending, as the indexes are, but for the
 * due time: soonest first, and the tickets without one after all others.
 */
function sortColumns(sort: QueueSort) {
  switch (sort) {
    case "due":
      return { first: tickets.slaDueAt, cast: sql`timestamptz`, rest: [tickets.id] };
    case "created":
      return { first: tickets.createdAt, cast: sql`timestamptz`, rest: [tickets.id] };
    case "priority":
      return { first: tickets.priority, cast: sql`ticket_priority`, rest: [tickets.updatedAt, tickets.id] };
    default:
      return { first: tickets.updatedAt, cast: sql`timestamptz`, rest: [tickets.id] };
  }
}

/** Whether a sort runs its columns ascending: only the due time, soonest first. */
function ascending(sort: QueueSort): boolean {
  return sort === "due";
}

/** Rows past the cursor in the direction asked: a row comparison the index serves as a range. */
function cursorCondition(sort: QueueSort, cursor: Cursor, direction: "after" | "before"): SQL {
  const [sortValue, updatedAt, id] = cursor;
  const op = (direction === "after") === ascending(sort) ? sql`>` : sql`<`;
  const { first, cast } = sortColumns(sort);
  const mine = sort === "priority" ? sql`(${first}, ${tickets.updatedAt}, ${tickets.id})` : sql`(${first}, ${tickets.id})`;
  const theirs =
    sort === "priority"
      ? sql`(${sortValue}::${cast}, ${updatedAt}::timestamptz, ${id}::uuid)`
      : sql`(${sortValue}::${cast}, ${id}::uuid)`;
  return sql`${mine} ${op} ${theirs}`;
}

function statusCondition(statuses: QueueQuery["statuses"]): SQL | undefined {
  if (statuses === undefined) return undefined;
  if (!(statuses instanceof Map)) {
    const list = statuses as readonly TicketStatus[];
    return list.length > 0 ? inArray(tickets.status, [...list]) : sql`false`;
  }
  // Divisions that show the same statuses share one condition.
  const byStatuses = new Map<string, string[]>();
  for (const [divisionId, list] of statuses) {
    const key = [...list].sort().join(",");
    byStatuses.set(key, [...(byStatuses.get(key) ?? []), divisionId]);
  }
  const parts = [...byStatuses].flatMap(([key, divisionIds]) =>
    key ? [and(inArray(tickets.divisionId, divisionIds), inArray(tickets.status, key.split(",") as TicketStatus[]))!] : [],
  );
  return or(...parts) ?? sql`false`;
}

/** Tickets whose mail came to one of the member's personal mailboxes (tickets_mailbox_idx serves it). */
function personalMailboxCondition(scope: TenantScope, userId: string): SQL {
  return inArray(
    tickets.mailboxId,
    sql`(select ${mailboxes.id} from ${mailboxes} where ${mailboxes.tenantId} = ${scope.tenantId} and ${mailboxes.ownerUserId} = ${userId})`,
  );
}

/**
 * Tickets breaching soon or breached at `now`: a range of tickets_sla_due_idx. "Soon" depends on each
 * ticket's division; the largest "escalate before" of the tenant's divisions bounds the range, and
 * the division's own then decides.
 */
function serviceLevelCondition(scope: TenantScope, filter: ServiceLevelFilter, now: Date): SQL {
  if (filter === "breached") return lt(tickets.slaDueAt, now);
  const escalateBefore = (column: SQL) => sql`(${column}) * interval '1 minute'`;
  const widest = sql`select max(${divisions.escalateBeforeMinutes}) from ${divisions} where ${divisions.tenantId} = ${scope.tenantId}`;
  const own = sql`select ${divisions.escalateBeforeMinutes} from ${divisions} where ${divisions.tenantId} = ${scope.tenantId} and ${divisions.id} = ${tickets.divisionId}`;
  return and(
    gte(tickets.slaDueAt, now),
    sql`${tickets.slaDueAt} < ${now.toISOString()}::timestamptz + ${escalateBefore(widest)}`,
    sql`${tickets.slaDueAt} < ${now.toISOString()}::timestamptz + ${escalateBefore(own)}`,
  )!;
}

/** Everything but the cursor: shared by the page and its counts (`search`: from searchCondition). */
function filterConditions(scope: TenantScope, query: QueueQuery, search: SQL | undefined): SQL[] {
  const conditions: (SQL | undefined)[] = [
    eq(tickets.tenantId, scope.tenantId),
    liveTicket(),
    query.divisionIds ? inArray(tickets.divisionId, [...query.divisionIds]) : undefined,
    query.teamId ? eq(tickets.teamId, query.teamId) : undefined,
    query.assignee?.kind === "nobody" ? isNull(tickets.assigneeId) : undefined,
    query.assignee?.kind === "user" ? eq(tickets.assigneeId, query.assignee.userId) : undefined,
    query.personalMailboxesOf ? personalMailboxCondition(scope, query.personalMailboxesOf) : undefined,
    query.priority ? eq(tickets.priority, query.priority) : undefined,
    // `@>` is what the GIN index on tags serves (tickets_tags_idx).
    query.tag ? sql`${tickets.tags} @> array[${query.tag}]::text[]` : undefined,
    query.highlighted ? eq(tickets.highlighted, true) : undefined,
    query.createdFrom ? gte(tickets.createdAt, query.createdFrom) : undefined,
    query.createdBefore ? lt(tickets.createdAt, query.createdBefore) : undefined,
    query.serviceLevel ? serviceLevelCondition(scope, query.serviceLevel, query.now ?? new Date()) : undefined,
    search,
  ];
  return conditions.filter((condition): condition is SQL => condition !== undefined);
}

/**
 * One page of the queue. `next` and `previous` are the cursors of the pages beside it (null at
 * either end). A cursor of another sort than the one asked is refused as invalid.
 */
export async function listQueue(
  tx: Executor,
  scope: TenantScope,
  query: QueueQuery,
  viewer?: QueueViewer,
): Promise<QueuePage> {
  const sort = query.sort ?? "activity";
  const limit = Math.min(Math.max(1, query.limit ?? QUEUE_PAGE_SIZE), 200);
  const direction = query.before ? "before" : "after";
  const given = query.before ?? query.after;
  const cursor = given === undefined ? undefined : decodeCursor(sort, given);
  const firstPage = cursor === undefined;

  const pinned = firstPage && query.search ? await pinnedRows(tx, scope, query, viewer) : [];
  const where = and(
    ...filterConditions(scope, query, await searchCondition(tx, query.search)),
    statusCondition(query.statuses),
    pinned.length > 0 ? notInArray(tickets.id, pinned.map((row) => row.id)) : undefined,
  )!;
  // One more than a page tells whether another follows.
  const options = { sort, limit: limit + 1, reverse: direction === "before" };
  const fetched =
    sort === "due"
      ? await dueOrderRows(tx, scope, where, cursor, options, viewer)
      : await pageRows(tx, scope, cursor ? and(where, cursorCondition(sort, cursor, direction))! : where, options, viewer);
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (direction === "before") rows.reverse();
  const edge = (row: QueueRow | undefined) =>
    row ? encodeCursor([row.cursorValue ?? "", row.cursorUpdatedAt, row.id]) : null;
  return {
    pinned,
    rows,
    next: direction === "after" ? (more ? edge(rows.at(-1)) : null) : edge(rows.at(-1)),
    previous: direction === "before" ? (more ? edge(rows[0]) : null) : firstPage ? null : edge(rows[0]),
  };
}

/** The tickets a search's number names, in the divisions and statuses asked, newest activity first. */
async function pinnedRows(tx: Executor, scope: TenantScope, query: QueueQuery, viewer?: QueueViewer) {
  const number = numberMatch(scope, query.search!);
  if (!number) return [];
  const where = and(
    eq(tickets.tenantId, scope.tenantId),
    liveTicket(),
    query.divisionIds ? inArray(tickets.divisionId, [...query.divisionIds]) : undefined,
    number,
  )!;
  return pageRows(tx, scope, where, { sort: "activity", limit: 20, reverse: false }, viewer);
}

/**
 * The due order in two walks: the tickets with a due time, soonest first (a range of
 * tickets_sla_due_idx, which holds only those), then the tickets without one, by id. A page that
 * reaches past the first walk goes on into the second; a page back walks them the other way round.
 */
async function dueOrderRows(
  tx: Executor,
  scope: TenantScope,
  where: SQL,
  cursor: Cursor | undefined,
  options: { sort: QueueSort; limit: number; reverse: boolean },
  viewer?: QueueViewer,
) {
  const direction = options.reverse ? "before" : "after";
  const fromUndated = cursor?.[0] === "";
  const walks = [
    {
      due: isNotNull(tickets.slaDueAt),
      past: cursor && !fromUndated ? cursorCondition("due", cursor, direction) : undefined,
      // Past an undated ticket, forwards, no dated one is left.
      done: fromUndated && direction === "after",
    },
    {
      due: isNull(tickets.slaDueAt),
      past: cursor && fromUndated ? sql`${tickets.id} ${direction === "after" ? sql`>` : sql`<`} ${cursor[2]}::uuid` : undefined,
      // Back from a dated ticket, no undated one is left.
      done: cursor !== undefined && !fromUndated && direction === "before",
    },
  ];
  if (options.reverse) walks.reverse();
  const rows: QueueRow[] = [];
  for (const walk of walks) {
    if (walk.done || rows.length >= options.limit) continue;
    const limit = options.limit - rows.length;
    rows.push(...(await pageRows(tx, scope, and(where, walk.due, walk.past)!, { ...options, limit }, viewer)));
  }
  return rows;
}

/**
 * The page's tickets chosen by the index alone (inner query, with its limit), then only those rows
 * joined and given their counts, previews and unread marks: a subquery in the outer select list runs
 * per shown row, never per row the walk passed.
 */
async function pageRows(
  tx: Executor,
  scope: TenantScope,
  where: SQL,
  options: { sort: QueueSort; limit: number; reverse: boolean },
  viewer?: QueueViewer,
) {
  const { first, rest } = sortColumns(options.sort);
  const order = options.reverse === ascending(options.sort) ? desc : asc;
  const page = tx
    .select({
      id: tickets.id,
      divisionId: tickets.divisionId,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      highlighted: tickets.highlighted,
      priority: tickets.priority,
      tags: tickets.tags,
      contactId: tickets.contactId,
      teamId: tickets.teamId,
      assigneeId: tickets.assigneeId,
      lastCustomerMessageAt: tickets.lastCustomerMessageAt,
      slaDueAt: tickets.slaDueAt,
      createdAt: tickets.createdAt,
      updatedAt: tickets.updatedAt,
      // The sort's values as text, to the microsecond: a JavaScript Date would round them, and a
      // cursor a microsecond off skips or repeats rows. Null: a ticket without a due time.
      cursorValue: sql<string | null>`${first}::text`.as("cursor_value"),
      cursorUpdatedAt: sql<string>`${tickets.updatedAt}::text`.as("cursor_updated_at"),
    })
    .from(tickets)
    .where(where)
    .orderBy(order(first), ...rest.map((column) => order(column)))
    .limit(options.limit)
    .as("page");

  const unread = viewer
    ? sql<boolean>`(${page.status} <> 'closed' and ${page.lastCustomerMessageAt} is not null and not exists (
        select 1 from ${ticketReads} where ${ticketReads.tenantId} = ${scope.tenantId}
          and ${ticketReads.userId} = ${viewer.userId} and ${ticketReads.ticketId} = ${page.id}
          and ${ticketReads.readAt} >= ${page.lastCustomerMessageAt}))`
    : sql<boolean>`false`;
  const sortKey = {
    activity: page.updatedAt,
    created: page.createdAt,
    priority: page.priority,
    due: page.slaDueAt,
  }[options.sort];
  const tail = options.sort === "priority" ? [page.updatedAt, page.id] : [page.id];

  return tx
    .select({
      id: page.id,
      divisionId: page.divisionId,
      divisionTag: divisions.tag,
      number: page.number,
      subject: page.subject,
      status: page.status,
      highlighted: page.highlighted,
      priority: page.priority,
      tags: page.tags,
      contactEmail: contacts.email,
      contactName: contacts.name,
      // A ticket whose sender is no contact (converted from the waiting list without registering
      // them) shows who wrote it, as the ticket page does.
      senderAddress: sql<string | null>`case when ${page.contactId} is null then (select ${messages.fromAddress} from ${messages} where ${messages.tenantId} = ${scope.tenantId} and ${messages.ticketId} = ${page.id} and ${messages.direction} = 'inbound' and ${messages.deletedAt} is null order by ${messages.createdAt} limit 1) end`,
      teamId: page.teamId,
      teamName: teams.name,
      assigneeId: page.assigneeId,
      assigneeName: users.name,
      messageCount: sql<number>`(select count(*)::int from ${messages} where ${messages.tenantId} = ${scope.tenantId} and ${messages.ticketId} = ${page.id} and ${messages.deletedAt} is null)`,
      // The last message as one line: what the queue previews under the subject.
      preview: sql<string | null>`(select regexp_replace(left(coalesce(${messages.displayText}, ${messages.text}), 300), '\\s+', ' ', 'g') from ${messages} where ${messages.tenantId} = ${scope.tenantId} and ${messages.ticketId} = ${page.id} and ${messages.deletedAt} is null order by ${messages.createdAt} desc limit 1)`,
      unread,
      slaDueAt: page.slaDueAt,
      escalateBeforeMinutes: divisions.escalateBeforeMinutes,
      createdAt: page.createdAt,
      updatedAt: page.updatedAt,
      cursorValue: page.cursorValue,
      cursorUpdatedAt: page.cursorUpdatedAt,
    })
    .from(page)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, page.divisionId)))
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, page.contactId)))
    .leftJoin(teams, and(eq(teams.tenantId, scope.tenantId), eq(teams.id, page.teamId)))
    .leftJoin(users, eq(users.id, page.assigneeId))
    .orderBy(order(sortKey), ...tail.map((column) => order(column)));
}

/** A search matching at most this many tickets is read from its matches; more, and walking the order finds them soon. */
const FEW_MATCHES = 5000;

/**
 * How a search narrows the queue, chosen by how many tickets it matches. Postgres estimates a word's
 * share of tickets from statistics that cannot see a prefix's or a word part's real share, and may
 * guess that walking the activity order meets 50 matches early when they are rare (or all closed):
 * it would then read the whole tenant. So the matches are looked up first through the search
 * indexes, up to FEW_MATCHES + 1: when they are few, the queue reads exactly those tickets by id;
 * when they are many, the order's walk meets them soon, testing each ticket on its way. A page and
 * its counts ask in one transaction: the lookup is made once for them.
 */
function searchCondition(tx: Executor, search: ParsedSearch | null | undefined): Promise<SQL | undefined> {
  if (!search) return Promise.resolve(undefined);
  const asked = lookups.get(tx) ?? new WeakMap<ParsedSearch, Promise<SQL>>();
  lookups.set(tx, asked);
  let condition = asked.get(search);
  if (!condition) {
    condition = tx
      .select({ id: sql<string>`id` })
      .from(sql`${matchingIds(search, FEW_MATCHES + 1)} as id`)
      .then((rows) => {
        if (rows.length > FEW_MATCHES) return textMatch(search);
        if (rows.length === 0) return sql`false`;
        // One parameter, whatever the count (a list of 5,000 would be 5,000 parameters).
        return sql`${tickets.id} = any(string_to_array(${rows.map((row) => row.id).join(",")}, ',')::uuid[])`;
      });
    asked.set(search, condition);
  }
  return condition;
}

const lookups = new WeakMap<Executor, WeakMap<ParsedSearch, Promise<SQL>>>();

export type QueueCounts = Record<TicketStatus, number>;

/**
 * How many tickets each status tab holds under the same filters, each counted up to COUNT_CAP + 1
 * (more reads as "1000+"), plus the default tab's own (its statuses differ by division).
 */
export async function countQueue(
  tx: Executor,
  scope: TenantScope,
  query: Omit<QueueQuery, "statuses" | "after" | "before" | "sort" | "limit">,
  defaultStatuses: QueueQuery["statuses"],
): Promise<{ byStatus: QueueCounts; queue: number }> {
  const conditions = filterConditions(scope, query, await searchCondition(tx, query.search));
  const capped = async (extra: SQL | undefined) => {
    const inner = tx
      .select({ one: sql`1` })
      .from(tickets)
      .where(and(...conditions, extra))
      .limit(COUNT_CAP + 1)
      .as("capped");
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(inner);
    return row?.n ?? 0;
  };
  const byStatus = {} as QueueCounts;
  // By the status's code (tickets.status_code): an index range under row-level security, where
  // `status = …` would only filter.
  for (const [index, status] of ticketStatusEnum.enumValues.entries()) {
    byStatus[status] = await capped(eq(tickets.statusCode, index + 1));
  }
  return { byStatus, queue: await capped(statusCondition(defaultStatuses)) };
}
