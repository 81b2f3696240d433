import type { Locale } from "@/lib/i18n/routing";

export type TemplateKind =
  | "confirmation"
  | "notify_unprocessed"
  | "notify_new_ticket"
  | "notify_assignment"
  | "notify_reconnect"
  | "notify_escalation"
  | "mass_mail";

interface TemplateText {
  name: string;
  subject: string;
  body: string;
}

/**
 * The templates every new division starts with, in each language it can send in. Each uses only the
 * placeholders its kind fills in (placeholdersFor in ./render): a confirmation has no {{link}}, only
 * notices about unprocessed email have a {{reason}}, and those have no {{ticketNumber}}.
 *
 * Polish greetings name nobody: {{customerName}} is in the nominative as the sender wrote it, and
 * "Dzień dobry Katarzyna Żółkiewska," would need the vocative, which no mail gives. Divisions copy
 * these when they are created (lib/divisions) and new templates start from them, so a change here
 * reaches new divisions, new templates and kinds a division has no template of (templateFor's
 * fallback); templates already stored stay as their admins left them.
 */
export const defaultTemplates: Record<Locale, Record<TemplateKind, TemplateText>> = {
  en: {
    confirmation: {
      name: "Ticket received",
      subject: "[{{tag}}#{{ticketNumber}}] {{subject}}",
      body:
        "Hello {{customerName}},\n\nthank you for your message. We have opened ticket " +
        "{{tag}}#{{ticketNumber}} and will reply as soon as we can. To add anything, simply reply " +
        "to this email.\n\nThis is an automatic message.",
    },
    notify_unprocessed: {
      name: "Email could not be processed",
      subject: "An email could not be processed: {{subject}}",
      body:
        "An email sent to the help desk could not be turned into a ticket.\n\nReason: {{reason}}\n\n" +
        "It is kept in the unprocessed folder. Review it here: {{link}}",
    },
    notify_new_ticket: {
      name: "New ticket in your team",
      subject: "New ticket [{{tag}}#{{ticketNumber}}] {{subject}}",
      body: "A new ticket from {{customerName}} is waiting for your team.\n\n{{link}}",
    },
    notify_assignment: {
      name: "Ticket assigned to you",
      subject: "Assigned to you: [{{tag}}#{{ticketNumber}}] {{subject}}",
      body: "Ticket {{tag}}#{{ticketNumber}} from {{customerName}} is now assigned to you.\n\n{{link}}",
    },
    notify_reconnect: {
      name: "Mailbox must be connected again",
      subject: "Connect {{mailboxAddress}} again",
      body:
        "The account behind the mailbox {{mailboxAddress}} ({{divisionName}}) no longer lets Postdesk in: " +
        "access was withdrawn, its password changed or it was deleted. Until it is connected again, no " +
        "email is fetched from it or sent with it.\n\n{{connectedBy}} connected it; they (or an " +
        "administrator) can connect it again here: {{link}}",
    },
    notify_escalation: {
      name: "Service-level target about to be missed",
      subject: "Due {{dueAt}}: [{{tag}}#{{ticketNumber}}] {{subject}}",
      body:
        "Ticket {{tag}}#{{ticketNumber}} ({{divisionName}}) must have its {{target}} by {{dueAt}}, " +
        "the division's service-level target.\n\n{{link}}",
    },
    mass_mail: {
      name: "Announcement",
      subject: "{{subject}}",
      body: "Hello {{customerName}},\n\n…\n\nTo stop receiving these messages: {{link}}",
    },
  },
  pl: {
    confirmation: {
      name: "Zgłoszenie przyjęte",
      subject: "[{{tag}}#{{ticketNumber}}] {{subject}}",
      body:
        "Dzień dobry,\n\ndziękujemy za wiadomość. Założyliśmy zgłoszenie " +
        "{{tag}}#{{ticketNumber}} i odpowiemy najszybciej, jak to możliwe. Aby coś dodać, po prostu " +
        "odpowiedz na tę wiadomość.\n\nTa wiadomość została wysłana automatycznie.",
    },
    notify_unprocessed: {
      name: "Nie udało się przetworzyć wiadomości",
      subject: "Nie udało się przetworzyć wiadomości: {{subject}}",
      body:
        "Wiadomości wysłanej do działu pomocy nie udało się zamienić w zgłoszenie.\n\n" +
        "Powód: {{reason}}\n\nJest przechowywana w folderze nieprzetworzonych. Sprawdź ją tutaj: {{link}}",
    },
    notify_new_ticket: {
      name: "Nowe zgłoszenie w zespole",
      subject: "Nowe zgłoszenie [{{tag}}#{{ticketNumber}}] {{subject}}",
      body: "Nowe zgłoszenie od {{customerName}} czeka na Twój zespół.\n\n{{link}}",
    },
    notify_assignment: {
      name: "Przypisano Ci zgłoszenie",
      subject: "Przypisane do Ciebie: [{{tag}}#{{ticketNumber}}] {{subject}}",
      body: "Zgłoszenie {{tag}}#{{ticketNumber}} od {{customerName}} jest teraz przypisane do Ciebie.\n\n{{link}}",
    },
    notify_reconnect: {
      name: "Skrzynkę trzeba połączyć ponownie",
      subject: "Połącz ponownie {{mailboxAddress}}",
      body:
        "Konto skrzynki {{mailboxAddress}} ({{divisionName}}) nie wpuszcza już Postdesku: dostęp cofnięto, " +
        "zmieniono hasło albo konto usunięto. Dopóki nie zostanie połączone ponownie, poczta nie będzie z " +
        "niego pobierana ani wysyłana.\n\nPołączył je użytkownik {{connectedBy}}; on (albo administrator) " +
        "może połączyć je ponownie tutaj: {{link}}",
    },
    notify_escalation: {
      name: "Zbliża się termin obsługi zgłoszenia",
      subject: "Termin {{dueAt}}: [{{tag}}#{{ticketNumber}}] {{subject}}",
      body:
        "Termin na {{target}} w zgłoszeniu {{tag}}#{{ticketNumber}} ({{divisionName}}) mija {{dueAt}}, " +
        "zgodnie z docelowym czasem obsługi działu.\n\n{{link}}",
    },
    mass_mail: {
      name: "Komunikat",
      subject: "{{subject}}",
      body: "Dzień dobry,\n\n…\n\nAby nie otrzymywać więcej takich wiadomości: {{link}}",
    },
  },
};
