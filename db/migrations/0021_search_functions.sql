-- Search (lib/tickets/queue-search.ts): a ticket's subject, message bodies and senders as one
-- tsvector in ticket_search (migration 0022), in English (stemmed) and as plain words without diacritics (Postgres has no Polish
-- dictionary: "zamowienie" must find "zamówienie"), kept by triggers so that every way a message
-- arrives, moves (merge, split) or goes (trash, purge) keeps it true. PGlite ships both extensions.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change); with the dictionary named it is fixed
-- for us, and an index may use it.
CREATE FUNCTION postdesk_fold(value text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));--> statement-breakpoint
-- One parse, in English (stems: "orders" finds "ordered"), of the text without diacritics (there
-- is no Polish dictionary: "zamowienie" must find "zamówienie") and with punctuation as spaces:
-- the parser would keep "FV/2024/03/15", "jan@firma.pl" or "12.50" as single tokens, and a member
-- types their parts. Each further parse would cost as much again for every mail stored.
CREATE FUNCTION postdesk_search_document(value text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN to_tsvector('pg_catalog.english', regexp_replace(postdesk_fold(coalesce(value, '')), '[@./_:+~#=&?%-]+', ' ', 'g'));--> statement-breakpoint
-- A mail's shown text (quotes of earlier mail left out: they are on the ticket already), the first
-- 20,000 characters of each and 200,000 in all. A tsvector holds at most 1 MB: text of large
-- characters that unaccent spells out ("ﬃ" is "ffi") can pass that in fewer characters, so a
-- document too big is tried again at half the length; a ticket must always be able to take mail.
CREATE FUNCTION postdesk_ticket_search_vector(the_tenant uuid, the_ticket uuid, the_subject text) RETURNS tsvector
  LANGUAGE plpgsql STABLE AS $$
DECLARE
  body text;
  size integer := 200000;
BEGIN
  SELECT coalesce(the_subject, '') || ' ' || coalesce(string_agg(concat_ws(' ',
      m.from_name, m.from_address,
      left(coalesce(m.display_text, m.text), 20000)), ' ' ORDER BY m.created_at), '')
    INTO body
    FROM messages m
    -- Tenant first: messages_ticket_idx leads with it.
    WHERE m.tenant_id = the_tenant AND m.ticket_id = the_ticket AND m.deleted_at IS NULL;
  LOOP
    BEGIN
      RETURN postdesk_search_document(left(body, size));
    EXCEPTION WHEN program_limit_exceeded THEN
      size := size / 2;
    END;
  END LOOP;
END $$;--> statement-breakpoint
-- A ticket's document written anew: for a ticket made or retitled, or whose messages changed.
CREATE FUNCTION postdesk_ticket_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ticket_search (tenant_id, ticket_id, document)
    VALUES (NEW.tenant_id, NEW.id, postdesk_ticket_search_vector(NEW.tenant_id, NEW.id, NEW.subject))
    ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document;
  RETURN NULL;
END $$;--> statement-breakpoint
-- Once per statement: a merge moving a hundred messages writes its two tickets' documents once.
CREATE FUNCTION postdesk_messages_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO ticket_search (tenant_id, ticket_id, document)
      SELECT t.tenant_id, t.id, postdesk_ticket_search_vector(t.tenant_id, t.id, t.subject)
      FROM tickets t WHERE t.id IN (SELECT ticket_id FROM new_rows)
      ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO ticket_search (tenant_id, ticket_id, document)
      SELECT t.tenant_id, t.id, postdesk_ticket_search_vector(t.tenant_id, t.id, t.subject)
      FROM tickets t WHERE t.id IN (SELECT ticket_id FROM new_rows UNION SELECT ticket_id FROM old_rows)
      ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document;
  ELSE
    -- A ticket deleted for good takes its messages with it, and its document too (cascade): only
    -- the tickets still there are written.
    INSERT INTO ticket_search (tenant_id, ticket_id, document)
      SELECT t.tenant_id, t.id, postdesk_ticket_search_vector(t.tenant_id, t.id, t.subject)
      FROM tickets t WHERE t.id IN (SELECT ticket_id FROM old_rows)
      ON CONFLICT (ticket_id) DO UPDATE SET document = excluded.document;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
-- The tickets a search matches, at most `cap` of them. Row-level security lets an index serve only
-- leakproof operators until the tenant's rows are chosen, and neither @@ nor LIKE is leakproof: for
-- the app's role both search indexes would go unused and every search would read all the tenant's
-- tickets. This runs as the tables' owner, so the indexes serve it, and takes the tenant from the
-- setting the policies read (db/tenant.ts): it finds nothing the policies would hide from the caller.
CREATE FUNCTION postdesk_search_matches(words tsquery, part text, cap integer) RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 100 AS $$
DECLARE
  tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
BEGIN
  RETURN QUERY
    SELECT s.ticket_id FROM ticket_search s WHERE s.tenant_id = tenant AND s.document @@ words
    UNION
    SELECT t.id FROM tickets t WHERE part IS NOT NULL AND t.tenant_id = tenant AND postdesk_fold(t.subject) LIKE postdesk_fold(part)
    LIMIT cap;
END $$;
