import { relations, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgPolicy,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The whole domain of ARCHITECTURE.md. Every row of tenant data carries `tenant_id` and sits behind
 * the `tenant_isolation` row-level-security policy: the app runs tenant work as the non-owner role
 * `postdesk_app` with `app.tenant_id` set per transaction (see db/tenant.ts), so a query that forgets
 * its tenant filter still sees only the current tenant's rows.
 */

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  // A view of PGlite's Uint8Array, not a copy: a raw mail may be tens of megabytes.
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

/** A search document: only ever matched with `@@`, never read. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

const currentTenant = sql`nullif(current_setting('app.tenant_id', true), '')::uuid`;

function tenantPolicy(column = sql.raw("tenant_id")) {
  return pgPolicy("tenant_isolation", {
    as: "permissive",
    for: "all",
    to: "public",
    using: sql`${column} = ${currentTenant}`,
    withCheck: sql`${column} = ${currentTenant}`,
  });
}

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();
const tenantId = () =>
  uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" });
const divisionId = () =>
  uuid("division_id")
    .notNull()
    .references((): AnyPgColumn => divisions.id, { onDelete: "cascade" });

/** "light": a read-only agent, who sees what an agent sees and changes nothing (lib/auth/roles.ts). */
/** One weekday's open hours, local "HH:MM" to "HH:MM" (end after start); null: closed all day. */
export type DayHours = { start: string; end: string } | null;
/** Monday to Sunday: seven days. */
export type WeeklyHours = DayHours[];

export const roleEnum = pgEnum("role", ["owner", "admin", "agent", "light"]);
export const ticketStatusEnum = pgEnum("ticket_status", ["open", "answered", "on_hold", "closed"]);
export const ticketPriorityEnum = pgEnum("ticket_priority", ["low", "normal", "high", "urgent"]);
export const messageDirectionEnum = pgEnum("message_direction", ["inbound", "outbound", "note"]);
export const automationModeEnum = pgEnum("automation_mode", [
  "waiting_list",
  "convert_known",
  "convert_and_register",
]);
export const mailProtocolEnum = pgEnum("mail_protocol", ["imap", "pop3"]);
export const mailSecurityEnum = pgEnum("mail_security", ["tls", "starttls", "none"]);
export const mailAuthKindEnum = pgEnum("mail_auth_kind", ["password", "oauth2"]);
/** `oidc`: any OpenID Connect provider by issuer URL (lib/oauth/providers.ts), self-hosted ones and the tests'. */
export const oauthProviderEnum = pgEnum("oauth_provider", ["google", "microsoft", "oidc"]);
/**
 * How a mailbox's server connection stands, decided by lib/dispatch/connection-state.ts alone:
 * `new` never checked; `connected` the last check went through; `backoff` it failed and is tried
 * again later; `authFailed` the server refused the login (tried again rarely: a person must act);
 * `needsReconnect` the OAuth2 grant is gone (not tried until the account is connected again).
 * Whether a worker listens over IDLE is the lease's business (`idle_since`), since a lease expires
 * with its worker and a state column cannot; whether the mailbox is on at all is `active`.
 */
export const mailboxConnectionStateEnum = pgEnum("mailbox_connection_state", [
  "new",
  "connected",
  "backoff",
  "authFailed",
  "needsReconnect",
]);
export const inboundOutcomeEnum = pgEnum("inbound_outcome", [
  "pending",
  "ticket_created",
  "ticket_message",
  "waiting_list",
  "blocked",
  "loop",
  "duplicate",
  "unprocessed",
]);
export const outboxStatusEnum = pgEnum("outbox_status", ["ready", "sending", "sent", "error"]);
export const outboxKindEnum = pgEnum("outbox_kind", [
  "reply",
  "confirmation",
  "notification",
  "mass_mail",
]);
/**
 * Draft: its author's work in progress, seen by staff in the app only. Internal: finished, for
 * staff (browsing, suggestions) and never the public. Published: also in the public help center.
 */
export const articleStateEnum = pgEnum("article_state", ["draft", "internal", "published"]);
export type ArticleState = (typeof articleStateEnum.enumValues)[number];

export const templateKindEnum = pgEnum("template_kind", [
  "confirmation",
  "notify_unprocessed",
  "notify_new_ticket",
  "notify_assignment",
  "notify_reconnect",
  "notify_escalation",
  "mass_mail",
]);

export const tenants = pgTable(
  "tenants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    slug: text("slug").notNull(),
    /** Null: email and password or any provider. Else members get in only after signing in with this provider. */
    requiredSignIn: oauthProviderEnum("required_sign_in"),
    /** Members get in only with a session that used two factors (lib/auth/sign-in-policy.ts). */
    requireTwoFactor: boolean("require_two_factor").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [unique("tenants_slug_key").on(t.slug), tenantPolicy(sql.raw("id"))],
);

/** People who sign in. Global (one email, one password); what they may see comes from memberships. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    locale: text("locale").notNull().default("en"),
    notifyUnprocessed: boolean("notify_unprocessed").notNull().default(true),
    notifyNewTicket: boolean("notify_new_ticket").notNull().default(true),
    notifyAssignment: boolean("notify_assignment").notNull().default(true),
    /** Appended to this person's replies: the HTML part's and the text part's (lib/tickets/reply.ts). */
    signatureHtml: text("signature_html"),
    signatureText: text("signature_text"),
    /**
     * Two-step verification (lib/auth/two-factor.ts): the TOTP secret, sealed (lib/secrets.ts). Set
     * with a null `totpEnabledAt` while enrolment waits for its first code; sign-in asks for a code
     * only once it is enabled.
     */
    totpSecret: text("totp_secret"),
    totpEnabledAt: timestamp("totp_enabled_at", { withTimezone: true }),
    /** The time step of the last code accepted: no code of that step or before works again. */
    totpLastStep: integer("totp_last_step"),
    createdAt: createdAt(),
  },
  (t) => [
    unique("users_email_key").on(t.email),
    // A user row is visible in a tenant's context only when that user is a member of the tenant.
    pgPolicy("tenant_isolation", {
      as: "permissive",
      for: "all",
      to: "public",
      using: sql`exists (select 1 from memberships m where m.user_id = ${t.id} and m.tenant_id = ${currentTenant})`,
    }),
  ],
);

export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    mayPurge: boolean("may_purge").notNull().default(false),
    /**
     * "Access to other operators' email accounts": without it (and below admin) a member sees only
     * the tickets of the mailboxes they may see (migration 0024's `postdesk_hidden_mailboxes`).
     */
    mayReadOthersMailboxes: boolean("may_read_others_mailboxes").notNull().default(false),
    /** Deactivated: no way into the company any more; the row stays, so their tickets keep a name. */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique("memberships_tenant_user_key").on(t.tenantId, t.userId), tenantPolicy()],
);

export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    email: text("email").notNull(),
    role: roleEnum("role").notNull(),
    /** SHA-256 of the token in the link; the token itself is never stored. */
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique("invites_token_hash_key").on(t.tokenHash), tenantPolicy()],
);

/**
 * Failed sign-in attempts per key (an account's normalized email, a client address, a known device),
 * for throttling (lib/auth/throttle.ts). Not tenant data: sign-in precedes any tenant. An attempt is
 * counted as a failure before its password is checked, and a success clears its account's row.
 */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull(),
  },
  // Serves pruning: rows idle past the longest window, and the oldest beyond the cap.
  (t) => [index("sign_in_attempts_last_failure_idx").on(t.lastFailureAt)],
);

/**
 * A signed-in session: the session cookie (a JWT) names its row, and a session whose row is gone is
 * signed out. Signing out, a password change and leaving a company delete rows. Not tenant data, but
 * like `users` a tenant's context sees (and may end) only the sessions of its own members.
 */
/**
 * One-time recovery codes of two-step verification, for a lost authenticator: only their SHA-256
 * (a code has 50 random bits, so no slow hash is needed). A code is spent by setting `used_at`. Not
 * tenant data: like sign_in_attempts, only sign-in and one's own account touch it, never a tenant's
 * work, and the app role has no grant on it (migration 0016).
 */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique("recovery_codes_user_code_key").on(t.userId, t.codeHash)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The browser it was opened in, for a future list of one's sessions. */
    userAgent: text("user_agent"),
    /** Signed in with a password and a second factor (a code or a recovery code), or upgraded by enrolling. */
    twoFactor: boolean("two_factor").notNull().default(false),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    pgPolicy("tenant_isolation", {
      as: "permissive",
      for: "all",
      to: "public",
      using: sql`exists (select 1 from memberships m where m.user_id = ${t.userId} and m.tenant_id = ${currentTenant})`,
    }),
  ],
);

/**
 * A company's sign-up waiting for its owner to open the link mailed to them: no tenant and no user
 * exist before that, so an address nobody proved to own never gets a company. Not tenant data: it
 * precedes the tenant. The password is kept only as its hash; the link's token only as its hash.
 */
export const pendingSignUps = pgTable(
  "pending_sign_ups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tokenHash: text("token_hash").notNull(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    companyName: text("company_name").notNull(),
    personName: text("person_name").notNull(),
    locale: text("locale").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique("pending_sign_ups_token_hash_key").on(t.tokenHash)],
);

/** A "forgot password" link: works once, for an hour (lib/accounts/password.ts). Not tenant data. */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [unique("password_resets_token_hash_key").on(t.tokenHash), index("password_resets_user_idx").on(t.userId)],
);

/**
 * Facts about this Postdesk installation rather than any company's, by key: `public_origin`, the
 * address people reach it at, first seen on a request (lib/public-address.ts). Not tenant data.
 */
export const instanceSettings = pgTable("instance_settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: updatedAt(),
});

export const accountMailKindEnum = pgEnum("account_mail_kind", [
  "verify_sign_up",
  "account_exists",
  "reset_password",
  "invite",
]);

/**
 * Mail to a person about their account (verify the address of a sign-up, "you already have an
 * account", reset a password). It comes before any company and its mailboxes, so it leaves through
 * the operator's SMTP server (POSTDESK_SMTP_URL), sent by lib/outbox/account-mail.ts with the
 * outbox's statuses and retries. Not tenant data.
 */
export const accountMail = pgTable(
  "account_mail",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    toAddress: text("to_address").notNull(),
    locale: text("locale").notNull(),
    kind: accountMailKindEnum("kind").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    /** Fixed when queued, so a resend after a crash carries the same Message-ID. */
    messageId: text("message_id").notNull(),
    status: outboxStatusEnum("status").notNull().default("ready"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** When the current attempt began: a row left in "sending" long after this was cut off by a crash. */
    sendingStartedAt: timestamp("sending_started_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    // Serves the sender's "what is ready now" scan.
    index("account_mail_ready_idx").on(t.status, t.nextAttemptAt),
    // Serves the per-address limit on mail one can make us send to someone else.
    index("account_mail_to_idx").on(t.toAddress, t.kind, t.createdAt),
  ],
);

/**
 * A provider account a user signs in with, linked once by the provider's verified email address and
 * found by the provider's subject afterwards. Not tenant data, like `users`.
 */
export const signInIdentities = pgTable(
  "sign_in_identities",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    provider: oauthProviderEnum("provider").notNull(),
    subject: text("subject").notNull(),
    /** The verified address it was linked by. */
    email: text("email").notNull(),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("sign_in_identities_provider_subject_key").on(t.provider, t.subject), index("sign_in_identities_user_idx").on(t.userId)],
);

export const divisions = pgTable(
  "divisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    /** Identification tag used in subjects as `[TAG#123]`. */
    tag: text("tag").notNull(),
    dispatcherActive: boolean("dispatcher_active").notNull().default(true),
    sendingEnabled: boolean("sending_enabled").notNull().default(true),
    language: text("language").notNull().default("en"),
    pollIntervalMinutes: integer("poll_interval_minutes").notNull().default(1),
    automationMode: automationModeEnum("automation_mode").notNull().default("convert_and_register"),
    sendConfirmations: boolean("send_confirmations").notNull().default(true),
    /** Off means threading by subject looks at the subject alone. */
    checkSenderOnSubjectMatch: boolean("check_sender_on_subject_match").notNull().default(true),
    /** null: close as soon as answered; -1: never; N: after N days without a customer reply. */
    autoCloseDays: integer("auto_close_days"),
    highlightDomains: text("highlight_domains").array().notNull().default(sql`'{}'::text[]`),
    spamDomains: text("spam_domains").array().notNull().default(sql`'{}'::text[]`),
    showAnswered: boolean("show_answered").notNull().default(true),
    showOnHold: boolean("show_on_hold").notNull().default(true),
    /** Seed: "available to your end users as well as Tech Support admins and assistants": the help center's. */
    defaultKnowledgeBaseId: uuid("default_knowledge_base_id").references(
      (): AnyPgColumn => knowledgeBases.id,
      { onDelete: "set null" },
    ),
    /** Seed: "used to suggest trouble ticket answers". */
    defaultSupportKnowledgeBaseId: uuid("default_support_knowledge_base_id").references(
      (): AnyPgColumn => knowledgeBases.id,
      { onDelete: "set null" },
    ),
    maxSuggestions: integer("max_suggestions").notNull().default(5),
    unprocessedTemplateId: uuid("unprocessed_template_id").references(
      (): AnyPgColumn => emailTemplates.id,
      { onDelete: "set null" },
    ),
    /** Mail above this size is stored but not parsed: set aside as unprocessed, "too large". */
    maxMailSizeMegabytes: integer("max_mail_size_megabytes").notNull().default(25),
    confirmationsPerSenderPerHour: integer("confirmations_per_sender_per_hour").notNull().default(3),
    plusAddressing: boolean("plus_addressing").notNull().default(false),
    markOutgoingPrivate: boolean("mark_outgoing_private").notNull().default(false),
    massMailFromMailboxId: uuid("mass_mail_from_mailbox_id").references(
      (): AnyPgColumn => mailboxes.id,
      { onDelete: "set null" },
    ),
    pgpPrivateKeyEnc: text("pgp_private_key_enc"),
    pgpPassphraseEnc: text("pgp_passphrase_enc"),
    nextTicketNumber: integer("next_ticket_number").notNull().default(1),
    /** Tickets, messages and waiting-list entries in the trash longer than this are deleted for good. */
    trashRetentionDays: integer("trash_retention_days").notNull().default(30),
    /**
     * The division's clock (an IANA zone): its business hours and holidays are local to it, and the
     * dashboard's days begin at its midnight.
     */
    timeZone: text("time_zone").notNull().default("UTC"),
    /** Null: around the clock. Otherwise each weekday's open hours, Monday first (lib/divisions/business-hours.ts). */
    businessHours: jsonb("business_hours").$type<WeeklyHours>(),
    /** Service-level targets in business minutes; null: no target. */
    firstResponseTargetMinutes: integer("first_response_target_minutes"),
    resolutionTargetMinutes: integer("resolution_target_minutes"),
    /** How long before a target is missed the escalation email goes out (wall-clock minutes). */
    escalateBeforeMinutes: integer("escalate_before_minutes").notNull().default(60),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("divisions_tenant_tag_key").on(t.tenantId, t.tag),
    unique("divisions_tenant_name_key").on(t.tenantId, t.name),
    tenantPolicy(),
  ],
);

/** Days a division is closed all day (its business hours do not count), in its own time zone. */
export const divisionHolidays = pgTable(
  "division_holidays",
  {
    tenantId: tenantId(),
    divisionId: divisionId(),
    day: date("day", { mode: "string" }).notNull(),
  },
  (t) => [primaryKey({ name: "division_holidays_pkey", columns: [t.divisionId, t.day] }), tenantPolicy()],
);

/** Staff told about emails that could not be processed in a division. */
export const divisionUnprocessedRecipients = pgTable(
  "division_unprocessed_recipients",
  {
    tenantId: tenantId(),
    divisionId: divisionId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.divisionId, t.userId] }), tenantPolicy()],
);

export const emailTemplates = pgTable(
  "email_templates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    kind: templateKindEnum("kind").notNull(),
    locale: text("locale").notNull(),
    name: text("name").notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("email_templates_division_idx").on(t.divisionId, t.kind), tenantPolicy()],
);

/**
 * Text a member inserts into a reply: a division's (every member of it sees them) or a member's own
 * (`ownerUserId`, no division: theirs everywhere). Variables such as `{{customer.name}}` are filled
 * in when inserted (lib/canned-replies).
 */
export const cannedReplies = pgTable(
  "canned_replies",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: uuid("division_id").references((): AnyPgColumn => divisions.id, { onDelete: "cascade" }),
    ownerUserId: uuid("owner_user_id").references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("canned_replies_division_idx").on(t.tenantId, t.divisionId),
    index("canned_replies_owner_idx").on(t.tenantId, t.ownerUserId),
    check("canned_replies_owner_check", sql`(${t.divisionId} is null) <> (${t.ownerUserId} is null)`),
    tenantPolicy(),
  ],
);

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    name: text("name").notNull(),
    /** All tickets of this team are sent from this mailbox. */
    outboundMailboxId: uuid("outbound_mailbox_id").references((): AnyPgColumn => mailboxes.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
  },
  (t) => [unique("teams_division_name_key").on(t.divisionId, t.name), tenantPolicy()],
);

export const teamMembers = pgTable(
  "team_members",
  {
    tenantId: tenantId(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), tenantPolicy()],
);

/** A member's default account in a division: their replies leave from it when the ticket's team has none. */
export const memberDefaultMailboxes = pgTable(
  "member_default_mailboxes",
  {
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    divisionId: divisionId(),
    mailboxId: uuid("mailbox_id")
      .notNull()
      .references((): AnyPgColumn => mailboxes.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.divisionId] }), tenantPolicy()],
);

export const mailboxes = pgTable(
  "mailboxes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    name: text("name").notNull(),
    address: text("address").notNull(),
    // Inbound
    protocol: mailProtocolEnum("protocol").notNull(),
    host: text("host").notNull(),
    port: integer("port").notNull(),
    security: mailSecurityEnum("security").notNull(),
    username: text("username").notNull(),
    authKind: mailAuthKindEnum("auth_kind").notNull().default("password"),
    oauthProvider: oauthProviderEnum("oauth_provider"),
    /** Encrypted (lib/secrets): the password for password auth. */
    passwordEnc: text("password_enc"),
    /** Encrypted (lib/secrets): JSON of the OAuth2 access and refresh tokens. */
    oauthTokensEnc: text("oauth_tokens_enc"),
    /** When the access token in `oauthTokensEnc` runs out: it is refreshed shortly before. */
    oauthExpiresAt: timestamp("oauth_expires_at", { withTimezone: true }),
    /**
     * The account that granted access, as the provider names it: for a Microsoft shared mailbox a
     * person with access, while `username` (the login) is the shared address.
     */
    oauthAccount: text("oauth_account"),
    /** Who connected the account: only they can connect it again (the Test connection rule). */
    oauthConnectedBy: uuid("oauth_connected_by").references(() => users.id, { onDelete: "set null" }),
    oauthConnectedAt: timestamp("oauth_connected_at", { withTimezone: true }),
    connectTimeoutMs: integer("connect_timeout_ms").notNull().default(30_000),
    folder: text("folder").notNull().default("INBOX"),
    processedFolder: text("processed_folder"),
    unprocessedFolder: text("unprocessed_folder"),
    pop3LeaveCopy: boolean("pop3_leave_copy").notNull().default(false),
    pop3RemoveAfterDays: integer("pop3_remove_after_days"),
    pop3RemoveWhenDeleted: boolean("pop3_remove_when_deleted").notNull().default(false),
    /**
     * "Mark incoming mail as private": the tickets its mail makes stay out of customers' histories
     * (contact page, a ticket's "other open tickets") for members who may not read it.
     */
    privateMail: boolean("private_mail").notNull().default(false),
    // Outbound
    smtpHost: text("smtp_host"),
    smtpPort: integer("smtp_port"),
    smtpSecurity: mailSecurityEnum("smtp_security"),
    smtpAuthRequired: boolean("smtp_auth_required").notNull().default(true),
    smtpSameCredentials: boolean("smtp_same_credentials").notNull().default(true),
    smtpUsername: text("smtp_username"),
    smtpPasswordEnc: text("smtp_password_enc"),
    smtpDisplayName: text("smtp_display_name"),
    smtpReplyTo: text("smtp_reply_to"),
    smtpTimeoutMs: integer("smtp_timeout_ms").notNull().default(30_000),
    /**
     * Whose it is: the division's (both null, every member sees its tickets), a team's (its tickets
     * go to that team, and only the team sees them) or one operator's personal account (only they
     * see its tickets). Others see them with "access to other operators' email accounts".
     */
    teamId: uuid("team_id").references((): AnyPgColumn => teams.id, { onDelete: "set null" }),
    ownerUserId: uuid("owner_user_id").references(() => users.id, { onDelete: "set null" }),
    /** The tickets its mail creates start with these (the team is `teamId`). */
    defaultPriority: ticketPriorityEnum("default_priority").notNull().default("normal"),
    defaultTags: text("default_tags").array().notNull().default(sql`'{}'::text[]`),
    /** For a personal mailbox usually its owner; null leaves them unassigned, in the owner's personal queue. */
    defaultAssigneeId: uuid("default_assignee_id").references(() => users.id, { onDelete: "set null" }),
    /** The division's default account: its mail leaves from here when neither team nor user says otherwise. */
    isDefault: boolean("is_default").notNull().default(false),
    active: boolean("active").notNull().default(true),
    /**
     * Removed: never polled again and gone from the lists, but the row stays, so its tickets keep
     * their mailbox (and who may see them) and its stored mail stays until purged.
     */
    removedAt: timestamp("removed_at", { withTimezone: true }),
    // Sync state
    uidValidity: bigint("uid_validity", { mode: "number" }),
    lastUid: bigint("last_uid", { mode: "number" }),
    seenUidls: text("seen_uidls").array().notNull().default(sql`'{}'::text[]`),
    /**
     * Mails copied out of the IMAP folder but still in it, marked \Deleted: the server offers neither
     * MOVE nor UIDPLUS, and other mail there was marked deleted too, which a plain EXPUNGE would take.
     */
    leftFlagged: integer("left_flagged").notNull().default(0),
    firstDownloadAt: timestamp("first_download_at", { withTimezone: true }),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    /** Since when the lease holder keeps an IMAP IDLE connection open: new mail arrives within seconds. */
    idleSince: timestamp("idle_since", { withTimezone: true }),
    nextPollAt: timestamp("next_poll_at", { withTimezone: true }),
    lastPollAt: timestamp("last_poll_at", { withTimezone: true }),
    /** The what of the connection (see the enum); `last_error_code` keeps the why of a failure. */
    connectionState: mailboxConnectionStateEnum("connection_state").notNull().default("new"),
    lastError: text("last_error"),
    lastErrorCode: text("last_error_code"),
    lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
    failureCount: integer("failure_count").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("mailboxes_division_idx").on(t.divisionId),
    // Serves the dispatcher's "which mailboxes are due" scan.
    index("mailboxes_due_idx").on(t.nextPollAt).where(sql`${t.active}`),
    uniqueIndex("mailboxes_division_default_key").on(t.divisionId).where(sql`${t.isDefault}`),
    tenantPolicy(),
  ],
);

/**
 * One "Connect with …" in flight: the authorization request's state, PKCE verifier and where it
 * goes. Single use (`used_at`) and short-lived; bound to the user who started it and to the mailbox
 * (or, for a mailbox not yet created, the division). The state itself is never stored, only its hash.
 */
export const oauthConnectRequests = pgTable(
  "oauth_connect_requests",
  {
    stateHash: text("state_hash").primaryKey(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    divisionId: divisionId(),
    mailboxId: uuid("mailbox_id").references(() => mailboxes.id, { onDelete: "cascade" }),
    provider: oauthProviderEnum("provider").notNull(),
    /** Encrypted (lib/secrets): the PKCE code verifier. */
    codeVerifierEnc: text("code_verifier_enc").notNull(),
    /** Encrypted (lib/secrets): the OpenID Connect nonce the ID token must carry back. */
    nonceEnc: text("nonce_enc").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    /** For a Microsoft shared mailbox: the address to log in as, not the authorizing person's. */
    loginAddress: text("login_address"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  () => [tenantPolicy()],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Lower-cased. */
    email: text("email").notNull(),
    name: text("name"),
    /** The customer's company, as staff write it. */
    organization: text("organization"),
    /** Staff's notes on the customer: never mailed. */
    notes: text("notes"),
    unsubscribedAt: timestamp("unsubscribed_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    unique("contacts_tenant_email_key").on(t.tenantId, t.email),
    // Serves the contacts list's order and its keyset paging (lib/contacts/directory.ts).
    index("contacts_sort_idx").on(t.tenantId, sql`lower(coalesce(${t.name}, ${t.email}))`, t.id),
    tenantPolicy(),
  ],
);

/**
 * Senders whose mail a member reads with its remote images shown ("always show images from this
 * sender"); every other mail's remote images stay blocked until asked for, per message.
 */
export const remoteImageSenders = pgTable(
  "remote_image_senders",
  {
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Lower-cased. */
    address: text("address").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: "remote_image_senders_pkey", columns: [t.tenantId, t.userId, t.address] }), tenantPolicy()],
);

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    /** Per-division number, shown as `[TAG#number]`. */
    number: integer("number").notNull(),
    subject: text("subject").notNull(),
    /** The subject without reply prefixes, lower-cased: what threading by subject compares. */
    normalizedSubject: text("normalized_subject").notNull().default(""),
    status: ticketStatusEnum("status").notNull().default("open"),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => users.id, { onDelete: "set null" }),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /**
     * The mailbox whose mail created the ticket: who may see it follows that mailbox (a personal
     * or team account). Null for tickets made by hand or imported: everyone's.
     */
    mailboxId: uuid("mailbox_id").references((): AnyPgColumn => mailboxes.id, { onDelete: "set null" }),
    highlighted: boolean("highlighted").notNull().default(false),
    priority: ticketPriorityEnum("priority").notNull().default("normal"),
    /** Free labels, lower-cased and trimmed, without repeats. */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /**
     * Set when this ticket was merged into another: its messages live there now, and threading that
     * finds this ticket (its number in a subject, a token) follows the pointer to the survivor.
     */
    mergedIntoId: uuid("merged_into_id").references((): AnyPgColumn => tickets.id, { onDelete: "set null" }),
    /** In the trash since then (restorable); emptying the trash deletes the row for good. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedById: uuid("deleted_by_id").references(() => users.id, { onDelete: "set null" }),
    /** A reply long after a ticket was closed opens a new ticket that points at the old one. */
    followUpOfId: uuid("follow_up_of_id").references((): AnyPgColumn => tickets.id, {
      onDelete: "set null",
    }),
    lastCustomerMessageAt: timestamp("last_customer_message_at", { withTimezone: true }),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    /** The first reply sent to the customer, and who wrote it: kept, while `answeredAt` moves with each reply. */
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    firstResponseById: uuid("first_response_by_id").references(() => users.id, { onDelete: "set null" }),
    /**
     * When the division's service-level targets fall due for this ticket (business hours and
     * holidays counted, lib/divisions/service-targets.ts); null: no target.
     */
    firstResponseDueAt: timestamp("first_response_due_at", { withTimezone: true }),
    resolutionDueAt: timestamp("resolution_due_at", { withTimezone: true }),
    /**
     * The target the ticket runs against now: the earlier of both until the first response, then
     * resolution; none once closed. The queue sorts and filters by it ("breaching soon", "breached").
     */
    slaDueAt: timestamp("sla_due_at", { withTimezone: true }).generatedAlwaysAs(
      sql`case when status = 'closed' then null when first_response_at is null then least(first_response_due_at, resolution_due_at) else resolution_due_at end`,
    ),
    /** The `slaDueAt` its escalation email was sent for: one email per target, never two. */
    escalatedDueAt: timestamp("escalated_due_at", { withTimezone: true }),
    /**
     * When the targets began to count again: the last reopening of a closed ticket, so that it is not
     * breached the moment it reopens. Null: they count from `createdAt`.
     */
    targetsStartedAt: timestamp("targets_started_at", { withTimezone: true }),
    /**
     * The status as its place in ticket_status (1 open … 4 closed), for the tab counts' indexes:
     * under row-level security an index serves only leakproof comparisons, and an enum's `=` is not
     * one, while a smallint's is (lib/tickets/queue.ts).
     */
    statusCode: smallint("status_code").generatedAlwaysAs(
      sql`case status when 'open' then 1 when 'answered' then 2 when 'on_hold' then 3 else 4 end`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("tickets_division_number_key").on(t.divisionId, t.number),
    // Serve the tab counts, of one division or all (a status is one range of either). This and
    // tickets_status_idx also carry mailbox_id (INCLUDE, migration 0025): the mailbox_access policy
    // reads it, and the counts stay index-only scans.
    index("tickets_queue_idx")
      .on(t.tenantId, t.divisionId, t.statusCode)
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // The queue's sorts, each walked in order from a keyset cursor (lib/tickets/queue.ts): across
    // divisions, in one, by creation and by priority. Partial on live tickets, as the queue asks.
    index("tickets_activity_idx")
      .on(t.tenantId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_division_activity_idx")
      .on(t.tenantId, t.divisionId, t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_created_idx")
      .on(t.tenantId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_priority_idx")
      .on(t.tenantId, t.priority.desc().nullsFirst(), t.updatedAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_status_idx")
      .on(t.tenantId, t.statusCode)
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // Serves "Mine" and a member's tickets.
    index("tickets_assignee_idx")
      .on(t.tenantId, t.assigneeId, t.updatedAt.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // Trigram for a part of a word in the subject (postdesk_fold: unaccented, lower case).
    index("tickets_subject_trgm_idx").using("gin", sql`postdesk_fold(${t.subject}) gin_trgm_ops`),
    // Serves threading by subject: by its MD5, since a btree entry holds at most 2,704 bytes and a
    // subject may be longer (lib/inbound/threading.ts compares the hash, then the subject).
    index("tickets_subject_idx").on(t.divisionId, sql`md5(${t.normalizedSubject})`),
    // Serves auto-close, which looks for answered tickets across tenants.
    index("tickets_answered_idx").on(t.answeredAt).where(sql`${t.status} = 'answered'`),
    // Serves who may see a ticket (by its mailbox) and a personal queue.
    index("tickets_mailbox_idx")
      .on(t.tenantId, t.mailboxId)
      .where(sql`${t.mailboxId} is not null`),
    // Serves the queue's tag filter.
    index("tickets_tags_idx").using("gin", t.tags),
    // Serves a customer's tickets: the contact page and the ticket sidebar's other open tickets.
    index("tickets_contact_idx").on(t.tenantId, t.contactId, t.updatedAt),
    // Serve the dashboard's set-based figures over a date range (lib/reports).
    index("tickets_closed_idx")
      .on(t.tenantId, t.closedAt)
      .where(sql`${t.closedAt} is not null and ${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_first_response_idx")
      .on(t.tenantId, t.firstResponseAt)
      .where(sql`${t.firstResponseAt} is not null and ${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // Serve the dashboard's share of service-level targets met: the tickets whose due time fell in
    // the range (lib/reports/service-levels.ts, or-ed with the first response's or closing's index).
    index("tickets_first_response_due_idx")
      .on(t.tenantId, t.firstResponseDueAt)
      .where(sql`${t.firstResponseDueAt} is not null and ${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    index("tickets_resolution_due_idx")
      .on(t.tenantId, t.resolutionDueAt)
      .where(sql`${t.resolutionDueAt} is not null and ${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // Serves the queue's "breaching soon" / "breached" and its sort by due time, and the escalation sweep.
    index("tickets_sla_due_idx")
      .on(t.tenantId, t.slaDueAt, t.id)
      .where(sql`${t.slaDueAt} is not null and ${t.deletedAt} is null and ${t.mergedIntoId} is null`),
    // Serves the escalation sweep across tenants: only the targets not yet escalated, by due time.
    index("tickets_escalation_idx")
      .on(t.slaDueAt)
      .where(
        sql`${t.slaDueAt} is not null and ${t.escalatedDueAt} is distinct from ${t.slaDueAt} and ${t.deletedAt} is null and ${t.mergedIntoId} is null`,
      ),
    // Serves the trash and its retention sweep.
    index("tickets_deleted_idx").on(t.tenantId, t.deletedAt).where(sql`${t.deletedAt} is not null`),
    tenantPolicy(),
  ],
);

/**
 * A ticket's search document (subject, message bodies, senders), kept by the triggers of migrations
 * 0021–0022; the app only matches it (lib/tickets/queue-search.ts). A table of its own, so that a
 * mail arriving rewrites this small row rather than the ticket's, with all its indexes.
 */
export const ticketSearch = pgTable(
  "ticket_search",
  {
    tenantId: tenantId(),
    ticketId: uuid("ticket_id")
      .primaryKey()
      .references(() => tickets.id, { onDelete: "cascade" }),
    document: tsvector("document").notNull(),
  },
  (t) => [index("ticket_search_document_idx").using("gin", t.document), tenantPolicy()],
);

/** When a member last opened a ticket: the queue marks tickets with customer mail since then as unread. */
export const ticketReads = pgTable(
  "ticket_reads",
  {
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    readAt: timestamp("read_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "ticket_reads_pkey", columns: [t.tenantId, t.userId, t.ticketId] }), tenantPolicy()],
);

/**
 * Who has a ticket open right now, and whether they are writing a reply: each open ticket page
 * renews its row; a row not renewed for a minute is nobody.
 */
export const ticketViewers = pgTable(
  "ticket_viewers",
  {
    tenantId: tenantId(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    replying: boolean("replying").notNull().default(false),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "ticket_viewers_pkey", columns: [t.tenantId, t.ticketId, t.userId] }), tenantPolicy()],
);

export const inboundEmails = pgTable(
  "inbound_emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    /** Null for imported mail, and once its mailbox is deleted: the mail itself stays. */
    mailboxId: uuid("mailbox_id").references(() => mailboxes.id, { onDelete: "set null" }),
    divisionId: divisionId(),
    /**
     * Where the mail came from, unique in the division, so storing it twice is a no-op:
     * `imap:<mailbox>:<uidvalidity>:<uid>`, `pop3:<mailbox>:<uidl>` or `import:<sha256>`.
     */
    uniqueKey: text("unique_key").notNull(),
    uidValidity: bigint("uid_validity", { mode: "number" }),
    uid: bigint("uid", { mode: "number" }),
    uidl: text("uidl"),
    raw: bytea("raw").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    messageId: text("message_id"),
    outcome: inboundOutcomeEnum("outcome").notNull().default("pending"),
    /** Why: a reason code (waiting-list mode, unknown sender, auto-reply, too large, …). */
    reason: text("reason"),
    error: text("error"),
    /** Failed processing attempts: after a few, the mail is set aside as unprocessed, never retried forever. */
    attempts: integer("attempts").notNull().default(0),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    /** The first delivery of the same Message-ID in this tenant, when this one is a second copy. */
    duplicateOfId: uuid("duplicate_of_id").references((): AnyPgColumn => inboundEmails.id, {
      onDelete: "set null",
    }),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /** Moved to the processed/unprocessed folder, or deleted from the POP3 server. */
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    /**
     * What a member decided for the mail on the waiting list (converted, attached, registered, spam,
     * released), who and when; `reason` keeps why it was held.
     */
    decision: text("decision"),
    decidedById: uuid("decided_by_id").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    /** In the trash since then (a waiting-list entry deleted); restorable until purged. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedById: uuid("deleted_by_id").references(() => users.id, { onDelete: "set null" }),
    /**
     * Deleted for good: the raw mail is gone (emptied), the row stays without content so that the
     * same mail is still recognised and never fetched again.
     */
    purgedAt: timestamp("purged_at", { withTimezone: true }),
    /** Purged, and its POP3 mailbox removes kept copies deleted here: the next poll deletes it on the server. */
    removeFromServer: boolean("remove_from_server").notNull().default(false),
  },
  (t) => [
    unique("inbound_emails_division_key").on(t.divisionId, t.uniqueKey),
    // Serves de-duplication of one Message-ID across a tenant's mailboxes.
    index("inbound_emails_message_id_idx").on(t.tenantId, t.messageId),
    // Serves the waiting list.
    index("inbound_emails_outcome_idx").on(t.tenantId, t.divisionId, t.outcome),
    // Serves the dashboard's waiting-list size: under row-level security an enum's `=` (not
    // leakproof) cannot be an index condition, but it can prove a partial index's predicate.
    index("inbound_emails_waiting_idx")
      .on(t.tenantId, t.divisionId)
      .where(sql`${t.outcome} = 'waiting_list' and ${t.deletedAt} is null`),
    // Serves recognising the same bytes seen again (mail without a Message-ID after a resync).
    index("inbound_emails_sha256_idx").on(t.divisionId, t.sha256),
    // Serves the dispatcher page's "mails ingested today" per mailbox.
    index("inbound_emails_mailbox_received_idx").on(t.mailboxId, t.receivedAt),
    // Serves the dashboard's inbound mail per day.
    index("inbound_emails_received_idx").on(t.tenantId, t.receivedAt),
    // Serves the POP3 poll's "what must go from the server".
    index("inbound_emails_remove_idx").on(t.mailboxId).where(sql`${t.removeFromServer}`),
    tenantPolicy(),
  ],
);

/**
 * The first delivery of each Message-ID in a tenant. Claimed by inserting (on conflict do nothing)
 * inside the transaction that makes the mail's outcome, so the primary key itself, not a lock taken
 * by convention, keeps one mail reaching two mailboxes from ever making two tickets: a second
 * delivery waits on the first's uncommitted claim and then finds it. Mail set aside as unprocessed
 * claims nothing, so a later copy of it can still be ticketed.
 */
export const inboundMessageIds = pgTable(
  "inbound_message_ids",
  {
    tenantId: tenantId(),
    messageId: text("message_id").notNull(),
    inboundEmailId: uuid("inbound_email_id")
      .notNull()
      .references(() => inboundEmails.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ name: "inbound_message_ids_pkey", columns: [t.tenantId, t.messageId] }), tenantPolicy()],
);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    direction: messageDirectionEnum("direction").notNull(),
    messageId: text("message_id"),
    inReplyTo: text("in_reply_to"),
    references: text("references").array().notNull().default(sql`'{}'::text[]`),
    fromAddress: text("from_address"),
    fromName: text("from_name"),
    toAddresses: jsonb("to_addresses").$type<{ address: string; name?: string }[]>().notNull().default([]),
    ccAddresses: jsonb("cc_addresses").$type<{ address: string; name?: string }[]>().notNull().default([]),
    subject: text("subject"),
    text: text("text"),
    /** Sanitized before it is stored. */
    html: text("html"),
    /** The text without quoted replies and signatures, for display; `text` keeps the whole body. */
    displayText: text("display_text"),
    private: boolean("private").notNull().default(false),
    authorUserId: uuid("author_user_id").references(() => users.id, { onDelete: "set null" }),
    inboundEmailId: uuid("inbound_email_id").references(() => inboundEmails.id, {
      onDelete: "set null",
    }),
    /** How threading placed it: header, token, tag, subject or new. */
    threadReason: text("thread_reason"),
    /** In the trash since then: hidden from the ticket, restorable until purged. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedById: uuid("deleted_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    // Tenant first, as every query of the app asks (row-level security adds it anyway).
    index("messages_ticket_idx").on(t.tenantId, t.ticketId, t.createdAt),
    // Serves threading by In-Reply-To / References.
    index("messages_message_id_idx").on(t.tenantId, t.messageId),
    // Serves the dashboard's replies sent per agent.
    index("messages_outbound_idx")
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.direction} = 'outbound' and ${t.deletedAt} is null`),
    tenantPolicy(),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    messageId: uuid("message_id")
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    filename: text("filename"),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    contentId: text("content_id"),
    inline: boolean("inline").notNull().default(false),
    content: bytea("content").notNull(),
    sha256: text("sha256").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("attachments_message_idx").on(t.messageId), tenantPolicy()],
);

export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "set null" }),
    messageRowId: uuid("message_row_id").references(() => messages.id, { onDelete: "set null" }),
    mailboxId: uuid("mailbox_id").references(() => mailboxes.id, { onDelete: "set null" }),
    kind: outboxKindEnum("kind").notNull(),
    toAddresses: jsonb("to_addresses").$type<{ address: string; name?: string }[]>().notNull(),
    ccAddresses: jsonb("cc_addresses").$type<{ address: string; name?: string }[]>().notNull().default([]),
    subject: text("subject").notNull(),
    /** Extra headers (In-Reply-To, References, Auto-Submitted, List-Unsubscribe, …). */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    text: text("text").notNull(),
    html: text("html"),
    /** Fixed when queued, so a resend after a crash carries the same Message-ID. */
    messageId: text("message_id").notNull(),
    /** The sender, fixed when queued: a reply written after a team move leaves from the new team. */
    fromAddress: text("from_address"),
    fromName: text("from_name"),
    replyTo: text("reply_to"),
    /** One mass mailing's rows, for its progress. */
    massMailingId: uuid("mass_mailing_id").references((): AnyPgColumn => massMailings.id, {
      onDelete: "set null",
    }),
    status: outboxStatusEnum("status").notNull().default("ready"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    /** What went wrong in words the UI explains (lib/outbox/send-error.ts). */
    lastErrorCode: text("last_error_code"),
    /** When the current attempt began: a row left in "sending" long after this was cut off by a crash. */
    sendingStartedAt: timestamp("sending_started_at", { withTimezone: true }),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    // Serves the sender's "what is ready now" scan.
    index("outbox_ready_idx").on(t.status, t.nextAttemptAt),
    // Serves the confirmation rate limit and the division's outbox page.
    index("outbox_division_idx").on(t.divisionId, t.kind, t.createdAt),
    // Serves threading by In-Reply-To / References to a confirmation.
    index("outbox_message_id_idx").on(t.tenantId, t.messageId),
    tenantPolicy(),
  ],
);

/** One message to a chosen set of a division's contacts; each recipient's mail is an outbox row. */
export const massMailings = pgTable(
  "mass_mailings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    divisionId: divisionId(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    recipientCount: integer("recipient_count").notNull(),
    createdByUserId: uuid("created_by_user_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("mass_mailings_division_idx").on(t.divisionId, t.createdAt), tenantPolicy()],
);

/** What the app tells a staff member (an email that could not be processed, …), until they read it. */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    /** What the message needs to be shown in the reader's language: ids, codes, subjects. */
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    readAt: timestamp("read_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt), tenantPolicy()],
);

/**
 * A company's knowledge bases. A division names one as its default (shown to customers in the public
 * help center, lib/knowledge/help-center.ts, and to staff) and one as its support knowledge base
 * (answer suggestions in the ticket, lib/knowledge/suggest.ts); they may be the same.
 */
export const knowledgeBases = pgTable(
  "knowledge_bases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [unique("knowledge_bases_tenant_name_key").on(t.tenantId, t.name), tenantPolicy()],
);

export const knowledgeBaseCategories = pgTable(
  "knowledge_base_categories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    knowledgeBaseId: uuid("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Where it stands among its knowledge base's categories, smallest first. */
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    unique("knowledge_base_categories_kb_name_key").on(t.knowledgeBaseId, t.name),
    tenantPolicy(),
  ],
);

/**
 * One language version of an article. The versions of one article (a Polish and an English one)
 * share `translationGroupId`, the id of the version written first; each has its own state, so a
 * translation can be drafted while the original is published.
 */
export const articles = pgTable(
  "articles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    knowledgeBaseId: uuid("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    categoryId: uuid("category_id").references(() => knowledgeBaseCategories.id, { onDelete: "set null" }),
    translationGroupId: uuid("translation_group_id").notNull(),
    title: text("title").notNull(),
    /** Markdown as written. */
    body: text("body").notNull(),
    /** The body rendered and sanitized when saved (lib/knowledge/markdown.ts): pages serve it as is. */
    bodyHtml: text("body_html").notNull().default(""),
    locale: text("locale").notNull().default("en"),
    state: articleStateEnum("state").notNull().default("draft"),
    /** The public address's last part, unique in the company (`/pl/help/acme/korekta-faktury`). */
    slug: text("slug").notNull(),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    updatedById: uuid("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    /** When it was first published: the help center lists the newest first. */
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /**
     * Title (weight A) and body (B) as one search document, parsed as the tickets' are (migration
     * 0021's postdesk_search_document: no diacritics, identifiers in parts, English stems).
     */
    document: tsvector("document")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(postdesk_search_document(title), 'A') || setweight(postdesk_search_document(body), 'B')`,
      ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("articles_kb_idx").on(t.tenantId, t.knowledgeBaseId, t.state),
    unique("articles_tenant_slug_key").on(t.tenantId, t.slug),
    unique("articles_translation_locale_key").on(t.tenantId, t.translationGroupId, t.locale),
    index("articles_document_idx").using("gin", t.document),
    tenantPolicy(),
  ],
);

/** Every saved version of an article, newest last: its history. */
export const articleRevisions = pgTable(
  "article_revisions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    body: text("body").notNull(),
    state: articleStateEnum("state").notNull(),
    editorId: uuid("editor_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("article_revisions_article_idx").on(t.tenantId, t.articleId, t.createdAt), tenantPolicy()],
);

/**
 * Images uploaded into a knowledge base's articles, referenced from Markdown by their address
 * (`/api/kb/images/<id>`). Public only while a published help-center article shows them.
 */
export const knowledgeBaseImages = pgTable(
  "knowledge_base_images",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    knowledgeBaseId: uuid("knowledge_base_id")
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    content: bytea("content").notNull(),
    uploadedById: uuid("uploaded_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("knowledge_base_images_kb_idx").on(t.tenantId, t.knowledgeBaseId), tenantPolicy()],
);

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    tenantId: tenantId(),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_log_tenant_idx").on(t.tenantId, t.createdAt),
    // Serves a ticket's events in its conversation (lib/tickets/events.ts).
    index("audit_log_target_idx").on(t.tenantId, t.targetType, t.targetId, t.createdAt),
    tenantPolicy(),
  ],
);

export const tenantsRelations = relations(tenants, ({ many }) => ({
  memberships: many(memberships),
  divisions: many(divisions),
}));

export const usersRelations = relations(users, ({ many }) => ({
  memberships: many(memberships),
}));

export const membershipsRelations = relations(memberships, ({ one }) => ({
  tenant: one(tenants, { fields: [memberships.tenantId], references: [tenants.id] }),
  user: one(users, { fields: [memberships.userId], references: [users.id] }),
}));

export const divisionsRelations = relations(divisions, ({ one, many }) => ({
  tenant: one(tenants, { fields: [divisions.tenantId], references: [tenants.id] }),
  mailboxes: many(mailboxes),
  teams: many(teams),
  tickets: many(tickets),
  unprocessedRecipients: many(divisionUnprocessedRecipients),
}));

export const divisionUnprocessedRecipientsRelations = relations(
  divisionUnprocessedRecipients,
  ({ one }) => ({
    division: one(divisions, {
      fields: [divisionUnprocessedRecipients.divisionId],
      references: [divisions.id],
    }),
    user: one(users, { fields: [divisionUnprocessedRecipients.userId], references: [users.id] }),
  }),
);

export const mailboxesRelations = relations(mailboxes, ({ one }) => ({
  division: one(divisions, { fields: [mailboxes.divisionId], references: [divisions.id] }),
}));

export const teamsRelations = relations(teams, ({ one, many }) => ({
  division: one(divisions, { fields: [teams.divisionId], references: [divisions.id] }),
  members: many(teamMembers),
}));

export const teamMembersRelations = relations(teamMembers, ({ one }) => ({
  team: one(teams, { fields: [teamMembers.teamId], references: [teams.id] }),
  user: one(users, { fields: [teamMembers.userId], references: [users.id] }),
}));

export const ticketsRelations = relations(tickets, ({ one, many }) => ({
  division: one(divisions, { fields: [tickets.divisionId], references: [divisions.id] }),
  contact: one(contacts, { fields: [tickets.contactId], references: [contacts.id] }),
  messages: many(messages),
}));

export const messagesRelations = relations(messages, ({ one, many }) => ({
  ticket: one(tickets, { fields: [messages.ticketId], references: [tickets.id] }),
  attachments: many(attachments),
}));

export const attachmentsRelations = relations(attachments, ({ one }) => ({
  message: one(messages, { fields: [attachments.messageId], references: [messages.id] }),
}));

export const knowledgeBasesRelations = relations(knowledgeBases, ({ many }) => ({
  articles: many(articles),
}));

export const articlesRelations = relations(articles, ({ one }) => ({
  knowledgeBase: one(knowledgeBases, {
    fields: [articles.knowledgeBaseId],
    references: [knowledgeBases.id],
  }),
  category: one(knowledgeBaseCategories, {
    fields: [articles.categoryId],
    references: [knowledgeBaseCategories.id],
  }),
}));

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type Role = (typeof roleEnum.enumValues)[number];
export type Invite = typeof invites.$inferSelect;
export type Division = typeof divisions.$inferSelect;
export type Mailbox = typeof mailboxes.$inferSelect;
export type OAuthConnectRequest = typeof oauthConnectRequests.$inferSelect;
export type Team = typeof teams.$inferSelect;
export type Contact = typeof contacts.$inferSelect;
export type RemoteImageSender = typeof remoteImageSenders.$inferSelect;
export type Ticket = typeof tickets.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type InboundEmail = typeof inboundEmails.$inferSelect;
export type OutboxEntry = typeof outbox.$inferSelect;
export type OutboxStatus = (typeof outboxStatusEnum.enumValues)[number];
export type OutboxKind = (typeof outboxKindEnum.enumValues)[number];
export type AccountMailEntry = typeof accountMail.$inferSelect;
export type AccountMailKind = (typeof accountMailKindEnum.enumValues)[number];
export type MassMailing = typeof massMailings.$inferSelect;
export type EmailTemplate = typeof emailTemplates.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type TicketStatus = (typeof ticketStatusEnum.enumValues)[number];
export type TicketPriority = (typeof ticketPriorityEnum.enumValues)[number];
export type CannedReply = typeof cannedReplies.$inferSelect;
export type InboundOutcome = (typeof inboundOutcomeEnum.enumValues)[number];
export type AutomationMode = (typeof automationModeEnum.enumValues)[number];
export type KnowledgeBase = typeof knowledgeBases.$inferSelect;
export type KnowledgeBaseCategory = typeof knowledgeBaseCategories.$inferSelect;
export type Article = typeof articles.$inferSelect;
export type ArticleRevision = typeof articleRevisions.$inferSelect;
