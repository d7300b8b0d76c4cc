//! Boards to export: the sample workshop, a hostile one, the article's `User`, and odd ones.

use stormwall_core::*;
use uuid::Uuid;

/// Builds a board by commands, so every board here is one the core would accept.
pub struct Builder {
    pub board: Board,
    next: u128,
}

impl Builder {
    pub fn new(title: &str) -> Self {
        let mut b = Self {
            board: Board::new(BoardId(Uuid::from_u128(0xB0A2D))),
            next: 1,
        };
        b.run(Command::CreateBoard {
            title: title.into(),
        });
        b
    }

    pub fn run(&mut self, command: Command) {
        let events = execute(&self.board, command.clone())
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        for e in &events {
            self.board.apply_mut(e);
        }
    }

    fn id(&mut self) -> Uuid {
        self.next += 1;
        Uuid::from_u128(self.next)
    }

    pub fn frame(&mut self, name: &str, x: i32, y: i32, w: i32, h: i32) {
        let id = FrameId(self.id());
        self.run(Command::AddFrame {
            id,
            name: name.into(),
            rect: Rect::new(x, y, w, h),
        });
    }

    pub fn sticky(&mut self, kind: StickyKind, text: &str, x: i32, y: i32) -> StickyId {
        let id = StickyId(self.id());
        self.run(Command::AddSticky {
            id,
            kind,
            text: text.into(),
            pos: Position::new(x, y),
            size: None,
        });
        id
    }

    pub fn fields(&mut self, id: StickyId, fields: &[(&str, &str)]) {
        let fields = fields.iter().map(|(n, t)| Field::new(*n, *t)).collect();
        self.run(Command::SetStickyFields { id, fields });
    }

    pub fn describe(&mut self, id: StickyId, text: &str) {
        self.run(Command::DescribeSticky {
            id,
            description: text.into(),
        });
    }

    pub fn arrow(&mut self, from: StickyId, to: StickyId) {
        let id = ConnectorId(self.id());
        self.run(Command::AddConnector {
            id,
            from,
            to,
            label: None,
        });
    }
}

/// `shared/reference/sample-workshop.md`: three bounded contexts, 30 stickies, their arrows.
pub fn sample_workshop() -> Board {
    use StickyKind::*;
    let mut b = Builder::new("Conference ticketing");
    b.frame("Ticketing", 0, 0, 3600, 900);
    b.frame("Payments", 0, 1000, 2400, 700);
    b.frame("Notifications", 0, 1800, 1600, 600);
    // Ticketing: two rows.
    let organizer = b.sticky(Actor, "Organizer", 20, 60);
    let publish = b.sticky(Command, "Publish Conference", 200, 300);
    b.fields(
        publish,
        &[
            ("title", "String"),
            ("seats", "u32"),
            ("starts_at", "DateTime"),
        ],
    );
    let conference = b.sticky(Aggregate, "Conference", 400, 290);
    b.fields(
        conference,
        &[
            ("title", "String"),
            ("seats_left", "u32"),
            ("published", "bool"),
        ],
    );
    let published = b.sticky(DomainEvent, "Conference Published", 620, 300);
    b.fields(
        published,
        &[
            ("conference_id", "Uuid"),
            ("title", "String"),
            ("seats", "u32"),
        ],
    );
    let attendee = b.sticky(Actor, "Attendee", 820, 60);
    let seats = b.sticky(ReadModel, "Available Seats", 820, 520);
    b.describe(
        seats,
        "seats left per conference, shown on the booking page",
    );
    let reserve = b.sticky(Command, "Reserve Seat", 1000, 300);
    b.fields(
        reserve,
        &[("conference_id", "Uuid"), ("attendee", "String")],
    );
    let reservation = b.sticky(Aggregate, "Reservation", 1200, 290);
    b.fields(
        reservation,
        &[("status", "String"), ("expires_at", "DateTime")],
    );
    let reserved = b.sticky(DomainEvent, "Seat Reserved", 1420, 300);
    b.fields(
        reserved,
        &[("reservation_id", "Uuid"), ("conference_id", "Uuid")],
    );
    let last_seat = b.sticky(
        Hotspot,
        "What if two people reserve the last seat at once?",
        1000,
        80,
    );
    let expired = b.sticky(DomainEvent, "Reservation Expired", 1620, 300);
    b.describe(expired, "15 minutes without payment");
    let release_policy = b.sticky(
        Policy,
        "Whenever a reservation expires, release the seat",
        1820,
        520,
    );
    let release = b.sticky(Command, "Release Seat", 2040, 300);
    b.fields(release, &[("conference_id", "Uuid")]);
    let cancel = b.sticky(Command, "Cancel Reservation", 1000, 650);
    b.fields(cancel, &[("reservation_id", "Uuid"), ("reason", "String")]);
    let cancelled = b.sticky(DomainEvent, "Reservation cancelled", 1420, 650);
    let issued = b.sticky(DomainEvent, "Ticket Issued", 2240, 300);
    b.fields(issued, &[("ticket_id", "Uuid"), ("reservation_id", "Uuid")]);
    let my_tickets = b.sticky(ReadModel, "My Tickets", 2440, 520);
    // Payments.
    let placed = b.sticky(DomainEvent, "Order Placed", 20, 1300);
    b.describe(placed, "the attendee confirmed the basket");
    let pay = b.sticky(Command, "Pay Order", 200, 1300);
    b.fields(
        pay,
        &[
            ("reservation_id", "Uuid"),
            ("amount_cents", "u64"),
            ("currency", "String"),
        ],
    );
    let payment = b.sticky(Aggregate, "Payment", 400, 1290);
    b.fields(payment, &[("amount_cents", "u64"), ("status", "String")]);
    let provider = b.sticky(ExternalSystem, "Payment Provider", 400, 1520);
    let received = b.sticky(DomainEvent, "Payment Received", 640, 1300);
    b.fields(
        received,
        &[("payment_id", "Uuid"), ("reservation_id", "Uuid")],
    );
    let failed = b.sticky(DomainEvent, "Payment Failed", 640, 1450);
    b.fields(failed, &[("reason", "String")]);
    b.sticky(Hotspot, "Refund policy after cancellation?", 860, 1060);
    let issue_policy = b.sticky(
        Policy,
        "Whenever payment is received, issue the ticket",
        860,
        1300,
    );
    let issue = b.sticky(Command, "Issue Ticket", 1080, 1300);
    b.fields(issue, &[("reservation_id", "Uuid")]);
    // Notifications.
    let email_policy = b.sticky(Policy, "Whenever a ticket is issued, e-mail it", 20, 2000);
    let send = b.sticky(Command, "Send Ticket Email", 240, 2000);
    b.fields(send, &[("ticket_id", "Uuid"), ("to", "String")]);
    let email = b.sticky(ExternalSystem, "Email Service", 440, 2000);
    let sent = b.sticky(DomainEvent, "Ticket Email Sent", 680, 2000);
    let placed_again = b.sticky(DomainEvent, "Order Placed", 880, 2000);
    b.describe(placed_again, "a confirmation e-mail was requested");
    // The grammar.
    for (from, to) in [
        (organizer, publish),
        (publish, conference),
        (conference, published),
        (attendee, reserve),
        (reserve, reservation),
        (reservation, reserved),
        (reservation, expired),
        (expired, release_policy),
        (release_policy, release),
        (release, conference),
        (pay, payment),
        (payment, received),
        (payment, failed),
        (payment, provider),
        (received, issue_policy),
        (issue_policy, issue),
        (issue, reservation),
        (reservation, issued),
        (issued, email_policy),
        (email_policy, send),
        (send, email),
        (email, sent),
        (reserved, seats),
        (issued, my_tickets),
        (my_tickets, attendee),
        (last_seat, reserve),
        (cancel, reservation),
        (reservation, cancelled),
    ] {
        b.arrow(from, to);
    }
    b.board
}

/// The article's `User`: ChangeName and ChangeEmail, NameChanged and EmailChanged.
pub fn article_user() -> Board {
    use StickyKind::*;
    let mut b = Builder::new("Users");
    let change_name = b.sticky(Command, "Change Name", 0, 300);
    b.fields(change_name, &[("name", "String")]);
    let change_email = b.sticky(Command, "Change Email", 0, 500);
    b.fields(change_email, &[("email", "String")]);
    let user = b.sticky(Aggregate, "User", 200, 390);
    b.fields(user, &[("name", "String"), ("email", "String")]);
    let name_changed = b.sticky(DomainEvent, "Name Changed", 420, 300);
    b.fields(name_changed, &[("name", "String")]);
    let email_changed = b.sticky(DomainEvent, "Email Changed", 420, 500);
    b.fields(email_changed, &[("email", "String")]);
    for (f, t) in [
        (change_name, user),
        (change_email, user),
        (user, name_changed),
        (user, email_changed),
    ] {
        b.arrow(f, t);
    }
    b.board
}

/// Everything people write that could break generated code.
pub fn hostile() -> Board {
    use StickyKind::*;
    let mut b = Builder::new("🦀 \"fn\" */ ```rust\nboard");
    b.frame("type", 0, 0, 2000, 700);
    b.frame("type", 0, 800, 2000, 700); // the same context name twice
    let agg = b.sticky(Aggregate, "self", 400, 290);
    b.fields(
        agg,
        &[
            ("type", "String"),
            ("orderId", "Uuid"),
            ("order_id", "u8"),
            ("self", "bool"),
            ("when", "chrono::DateTime<Utc>"),
        ],
    );
    b.describe(
        agg,
        "*/ /* \"quoted\" \\ backslash ``` fence\n- a list\nlazy line",
    );
    let c1 = b.sticky(Command, "order placed!", 100, 300);
    b.fields(
        c1,
        &[
            ("match", "HashMap<f64, u8>"),
            ("bytes", "[u8; 64]"),
            ("pair", "(u32, Option<Money>)"),
            ("r", "&'static str"),
        ],
    );
    let c2 = b.sticky(Command, "Order Placed", 100, 450);
    let c3 = b.sticky(Command, "🚀🚀", 100, 600);
    let c4 = b.sticky(Command, "2nd try", 150, 150);
    let e1 = b.sticky(DomainEvent, "Événement créé", 620, 300);
    let e2 = b.sticky(DomainEvent, "Self", 620, 450);
    let e3 = b.sticky(DomainEvent, "Error", 620, 600);
    let h1 = b.sticky(Hotspot, "What if \"quotes\" \\ and\nnew lines?", 100, 40);
    let h2 = b.sticky(Hotspot, "🔥", 300, 40);
    for (f, t) in [
        (c1, agg),
        (c2, agg),
        (c3, agg),
        (c4, agg),
        (agg, e1),
        (agg, e2),
        (agg, e3),
        (h1, c1),
        (c1, h2),
    ] {
        b.arrow(f, t);
    }
    let agg2 = b.sticky(Aggregate, "Command", 400, 1100);
    let c5 = b.sticky(Command, "Do it", 100, 1100);
    b.arrow(c5, agg2);
    b.arrow(c5, agg); // a command connected to two aggregates
    let loner = b.sticky(Aggregate, "Lonely", 1400, 1300); // no commands
    let _ = loner;
    let ev = b.sticky(DomainEvent, "Pinged", 1000, 1300);
    let pol = b.sticky(Policy, "Whenever pinged, ping", 1200, 1300);
    let ping = b.sticky(Command, "Ping", 1200, 1450);
    b.arrow(ev, pol);
    b.arrow(pol, ping);
    b.arrow(ping, ev); // a cycle through a policy
    b.board
}

/// A board with no aggregates at all.
pub fn no_aggregates() -> Board {
    let mut b = Builder::new("Big picture");
    b.sticky(StickyKind::DomainEvent, "Something happened", 0, 0);
    b.board
}
