//! Versioned schema migrations, applied in order when a ledger is opened.
//!
//! A migration is never edited once released: fix forward with a new one. The
//! `schema_migrations` table records which have run.

/// Every table a ledger holds, in an order where what a row names is copied before it.
/// `schema_migrations` is not copied: each ledger keeps its own.
pub(super) const TABLES: &[&str] = &[
    "policy_versions",
    "activations",
    "members",
    "events",
    "ledger",
    "lots",
    "lot_uses",
    "return_shares",
    "notices",
    "clock",
    "redemptions",
    "credit",
    "tier_changes",
    "deal_enrollments",
    "deal_checkpoints",
    "messages",
    "delivery_attempts",
    "consents",
    "campaign_spend",
    "campaign_holdouts",
    "challenge_progress",
    "badges",
    "rejections",
    "code_uses",
    "redemption_cancels",
    "outbound",
    "webhook_progress",
    "webhook_failures",
    "contest_scores",
    "contest_results",
    "contest_prizes",
];

/// (version, SQL). Append only.
pub const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "
    CREATE TABLE policy_versions (
        id TEXT PRIMARY KEY,
        club TEXT NOT NULL,
        first_used TEXT NOT NULL,
        files TEXT NOT NULL
    );
    CREATE TABLE members (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        joined TEXT NOT NULL,
        birthday TEXT,
        attributes TEXT NOT NULL DEFAULT '{}',
        balance TEXT NOT NULL DEFAULT '0',
        spend_total TEXT NOT NULL DEFAULT '0',
        visits INTEGER NOT NULL DEFAULT 0,
        last_visit TEXT
    );
    CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL REFERENCES members(id),
        type TEXT NOT NULL,
        time TEXT NOT NULL,
        amount TEXT NOT NULL,
        original TEXT,
        currency TEXT,
        channel TEXT,
        store TEXT,
        items TEXT,
        attributes TEXT,
        fingerprint TEXT NOT NULL,
        policy_version TEXT NOT NULL REFERENCES policy_versions(id)
    );
    CREATE INDEX events_member_time ON events(member, time);
    CREATE INDEX events_original ON events(original) WHERE original IS NOT NULL;
    CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL REFERENCES members(id),
        event TEXT NOT NULL REFERENCES events(id),
        time TEXT NOT NULL,
        rule TEXT NOT NULL,
        points TEXT NOT NULL,
        reason TEXT NOT NULL,
        policy_version TEXT NOT NULL REFERENCES policy_versions(id)
    );
    -- A member's entries are found through their events (events_member_time, then
    -- ledger_event): one index less to maintain on every entry written.
    CREATE INDEX ledger_event ON ledger(event);
    CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    CREATE TRIGGER ledger_is_append_only_delete BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    ",
    ),
    (
        2,
        "
    -- Points lifecycle: every award is a lot; spends, reversals, expiry and debt
    -- settlement record which lots they used.
    ALTER TABLE ledger ADD COLUMN kind TEXT NOT NULL DEFAULT 'earn';
    ALTER TABLE members ADD COLUMN debt TEXT NOT NULL DEFAULT '0';
    CREATE TABLE lots (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL,
        entry INTEGER NOT NULL,
        event TEXT NOT NULL,
        points TEXT NOT NULL,
        remaining TEXT NOT NULL,
        -- Unix seconds: a lot is written for every award, and integers are cheaper to
        -- store, index and compare than formatted times.
        earned_at INTEGER NOT NULL,
        pending_until INTEGER NOT NULL,
        expires_at INTEGER
    );
    -- Every use of lots starts from a member's open lots, oldest first; one index serves
    -- them all (each index costs every award a b-tree insert).
    CREATE INDEX lots_open ON lots(member, earned_at) WHERE remaining != '0';
    CREATE TABLE lot_uses (
        entry INTEGER NOT NULL,
        lot INTEGER NOT NULL,
        kind TEXT NOT NULL,
        points TEXT NOT NULL
    );
    CREATE INDEX lot_uses_lot ON lot_uses(lot);
    CREATE TABLE notices (
        seq INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT NOT NULL,
        due TEXT,
        points TEXT
    );
    CREATE TABLE clock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        now TEXT NOT NULL
    );
    ",
    ),
    (
        3,
        "
    -- Rewards redeemed, and the credit wallet (append-only entries, like the ledger).
    CREATE TABLE redemptions (
        event TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        reward TEXT NOT NULL,
        points TEXT NOT NULL,
        code TEXT UNIQUE,
        time TEXT NOT NULL
    );
    CREATE INDEX redemptions_reward ON redemptions(reward, member);
    CREATE TABLE credit (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL,
        event TEXT NOT NULL,
        time TEXT NOT NULL,
        amount TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX credit_member ON credit(member, seq);
    CREATE TRIGGER credit_is_append_only_update BEFORE UPDATE ON credit
        BEGIN SELECT RAISE(ABORT, 'the credit wallet is append-only'); END;
    CREATE TRIGGER credit_is_append_only_delete BEFORE DELETE ON credit
        BEGIN SELECT RAISE(ABORT, 'the credit wallet is append-only'); END;
    ALTER TABLE members ADD COLUMN credit TEXT NOT NULL DEFAULT '0';
    ALTER TABLE events ADD COLUMN credit_used TEXT;
    ",
    ),
    (
        4,
        "
    -- Tiers: each member's tier, and every change with its reason.
    ALTER TABLE members ADD COLUMN tier TEXT;
    ALTER TABLE members ADD COLUMN tier_valid_until TEXT;
    ALTER TABLE members ADD COLUMN tier_reviewed_at TEXT;
    CREATE TABLE tier_changes (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL,
        event TEXT NOT NULL,
        time TEXT NOT NULL,
        from_tier TEXT,
        to_tier TEXT,
        reason TEXT NOT NULL
    );
    CREATE INDEX tier_changes_member ON tier_changes(member, seq);
    ",
    ),
    (
        5,
        "
    -- How far birthdays and anniversaries have been written for each member.
    ALTER TABLE members ADD COLUMN greeted_through TEXT;
    ",
    ),
    (
        6,
        "
    -- Commitment deals: each enrolment's state, and every checkpoint with its result.
    CREATE TABLE deal_enrollments (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL,
        deal TEXT NOT NULL,
        event TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        periods INTEGER NOT NULL,
        kept INTEGER NOT NULL DEFAULT 0,
        missed INTEGER NOT NULL DEFAULT 0,
        next_checkpoint TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'active',
        ended_at TEXT,
        tier_until TEXT
    );
    CREATE INDEX deal_enrollments_member ON deal_enrollments(member, deal);
    CREATE TABLE deal_checkpoints (
        seq INTEGER PRIMARY KEY,
        enrollment INTEGER NOT NULL,
        period INTEGER NOT NULL,
        starts TEXT NOT NULL,
        ends TEXT NOT NULL,
        kept INTEGER NOT NULL,
        note TEXT NOT NULL
    );
    CREATE INDEX deal_checkpoints_enrollment ON deal_checkpoints(enrollment, seq);
    ",
    ),
    (
        7,
        "
    -- The outbox: one row per message and channel; `key` names the occasion, so that a
    -- message is never queued twice. `day` is the member's local day, for the daily cap.
    CREATE TABLE messages (
        seq INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        channel TEXT NOT NULL,
        member TEXT NOT NULL,
        occasion TEXT NOT NULL,
        day TEXT NOT NULL,
        created_at TEXT NOT NULL,
        deliver_after TEXT NOT NULL,
        language TEXT NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        sent_at TEXT,
        UNIQUE (key, channel)
    );
    CREATE INDEX messages_due ON messages(status, deliver_after);
    CREATE INDEX messages_member_day ON messages(member, day);
    CREATE TABLE delivery_attempts (
        seq INTEGER PRIMARY KEY,
        message INTEGER NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL,
        detail TEXT NOT NULL
    );
    CREATE TABLE consents (
        member TEXT NOT NULL,
        channel TEXT NOT NULL,
        granted INTEGER NOT NULL,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (member, channel)
    );
    -- Points each campaign gave, by member and local day: budgets are checked against it.
    CREATE TABLE campaign_spend (
        campaign TEXT NOT NULL,
        member TEXT NOT NULL,
        day TEXT NOT NULL,
        points TEXT NOT NULL,
        event TEXT NOT NULL
    );
    CREATE INDEX campaign_spend_campaign ON campaign_spend(campaign, member, day);
    CREATE TABLE challenge_progress (
        challenge TEXT NOT NULL,
        member TEXT NOT NULL,
        period TEXT NOT NULL,
        purchases INTEGER NOT NULL,
        spend TEXT NOT NULL,
        completed_at TEXT,
        PRIMARY KEY (challenge, member, period)
    );
    CREATE TABLE badges (
        member TEXT NOT NULL,
        badge TEXT NOT NULL,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        PRIMARY KEY (member, badge)
    );
    -- The last activity an `inactive` message was sent about (once per lapse).
    ALTER TABLE members ADD COLUMN inactive_told TEXT;
    ",
    ),
    (
        8,
        "
    -- What each return stood for, rule by rule: taken from lots, owed, or forgiven because
    -- the purchase's points had expired. Later returns of the same purchase are measured
    -- against it (the ledger's entries hold only what was taken).
    CREATE TABLE return_shares (
        return_event TEXT NOT NULL,
        original TEXT NOT NULL,
        rule TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        points TEXT NOT NULL,
        taken TEXT NOT NULL,
        owed TEXT NOT NULL,
        forgiven TEXT NOT NULL,
        expired TEXT NOT NULL
    );
    CREATE INDEX return_shares_original ON return_shares(original);
    INSERT INTO return_shares
        SELECT e.id, e.original, l.rule, l.policy_version, l.points,
               CASE WHEN substr(l.points, 1, 1) = '-' THEN substr(l.points, 2) ELSE l.points END,
               '0', '0', '0'
        FROM ledger l JOIN events e ON e.id = l.event
        WHERE e.type = 'return' AND l.kind = 'reverse' AND e.original IS NOT NULL;
    -- What of a lot expired (a lot expires at most once: expiry takes all that is left).
    ALTER TABLE lots ADD COLUMN expired TEXT NOT NULL DEFAULT '0';
    UPDATE lots SET expired = COALESCE(
        (SELECT u.points FROM lot_uses u WHERE u.lot = lots.seq AND u.kind = 'expire'), '0');
    -- A member's facts are read together, by member: every lot (a return looks at its
    -- purchase's expired lots too), notices, campaign awards, challenges, redemptions.
    DROP INDEX lots_open;
    CREATE INDEX lots_member ON lots(member, earned_at);
    CREATE INDEX notices_member ON notices(member);
    CREATE INDEX campaign_spend_member ON campaign_spend(member);
    CREATE INDEX challenge_progress_member ON challenge_progress(member);
    CREATE INDEX redemptions_member ON redemptions(member);
    -- Whether `joined` was given, or is the day of the member's first event (and moves
    -- back with an earlier one).
    ALTER TABLE members ADD COLUMN joined_known INTEGER NOT NULL DEFAULT 1;
    -- Rows an import rejected, with why: the same row imported again under the same
    -- policy version is rejected the same way (a resumed import ends like an uninterrupted
    -- one), unless the import is told to decide rejected rows again.
    CREATE TABLE rejections (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        message TEXT NOT NULL,
        field TEXT,
        file TEXT,
        line INTEGER,
        col INTEGER,
        source_line TEXT
    );
    ",
    ),
    (
        9,
        "
    -- Every version a host process activated, in order: the last is the club's active
    -- version, and a process serving another refuses to write (issue 15).
    CREATE TABLE activations (
        seq INTEGER PRIMARY KEY,
        version TEXT NOT NULL,
        at TEXT NOT NULL,
        process TEXT NOT NULL
    );
    ",
    ),
    (
        10,
        "
    -- A redemption's code used at a till, once: the primary key decides which of two tills
    -- racing for the same code wins, in whichever store (issue 17).
    CREATE TABLE code_uses (
        code TEXT PRIMARY KEY,
        member TEXT NOT NULL,
        at TEXT NOT NULL,
        reference TEXT NOT NULL
    );
    ",
    ),
    (
        11,
        "
    -- A redemption cancelled (issue 17): its points, credit and stock came back with the
    -- cancelling event. One row per redemption, so it is cancelled once, in either store.
    CREATE TABLE redemption_cancels (
        redemption TEXT PRIMARY KEY,
        event TEXT NOT NULL UNIQUE,
        member TEXT NOT NULL,
        time TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    ",
    ),
    (
        12,
        "
    -- Outbound event webhooks (issue 17): what the club's webhooks are told, written in
    -- the transaction that records it (an outbox), numbered in the order it was written.
    CREATE TABLE outbound (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        member TEXT NOT NULL,
        time TEXT NOT NULL,
        data TEXT NOT NULL
    );
    -- Per webhook: the last event it took (or that was set aside), and the attempts at
    -- the next one.
    CREATE TABLE webhook_progress (
        webhook TEXT PRIMARY KEY,
        after INTEGER NOT NULL,
        attempts INTEGER NOT NULL,
        next_try TEXT,
        last_error TEXT
    );
    -- Events a webhook never took, after its last attempt.
    CREATE TABLE webhook_failures (
        webhook TEXT NOT NULL,
        outbound INTEGER NOT NULL,
        at TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        error TEXT NOT NULL,
        PRIMARY KEY (webhook, outbound)
    );
    ",
    ),
    (
        13,
        "
    -- A code's use with the basket the till gave and the discount it was told (issue 17).
    ALTER TABLE code_uses ADD COLUMN basket TEXT;
    ALTER TABLE code_uses ADD COLUMN discount TEXT;
    ",
    ),
    (
        14,
        "
    -- The club overview (issue 16) counts members active lately over a narrow index, not
    -- a scan of the members' rows (about 250 bytes each); the tier index checks the tiers
    -- it sums from their changes, and serves lists of a tier's members.
    CREATE INDEX members_tier ON members(tier);
    CREATE INDEX members_last_visit ON members(last_visit);
    ",
    ),
    (
        15,
        "
    -- The member search (the console, issue 16) reads members in id order and looks at
    -- their profiles: on an index holding both, without a table row each (a page's window
    -- of 20,000 members in a third of the time at a million members).
    CREATE INDEX members_id_attributes ON members(id, attributes);
    ",
    ),
    (
        16,
        "
    -- A purchase or return paid in a foreign currency (issue 18): `amount` is converted
    -- into the club's currency; the amount as paid (in `currency`) and the rate are kept.
    ALTER TABLE events ADD COLUMN original_amount TEXT;
    ALTER TABLE events ADD COLUMN rate TEXT;
    ",
    ),
    (
        17,
        "
    -- Members a campaign's holdout keeps out (issue 18), once per campaign and member: the
    -- first event the campaign would have rewarded. The value report compares what they
    -- bought with what the rewarded members bought (the campaign's lift).
    CREATE TABLE campaign_holdouts (
        campaign TEXT NOT NULL,
        member TEXT NOT NULL,
        event TEXT NOT NULL,
        time TEXT NOT NULL,
        PRIMARY KEY (campaign, member)
    );
    ",
    ),
    (
        18,
        "
    -- Contests (issue 18). What each event scored in a leaderboard, or the entries it
    -- earned in a draw, per window (the window's first day); a window's result, once,
    -- with a draw's seed; and each prize given. Written through the plan like any row.
    CREATE TABLE contest_scores (
        contest TEXT NOT NULL,
        window_key TEXT NOT NULL,
        member TEXT NOT NULL,
        event TEXT NOT NULL,
        value TEXT NOT NULL,
        time TEXT NOT NULL,
        PRIMARY KEY (contest, event, member)
    );
    CREATE INDEX contest_scores_window ON contest_scores(contest, window_key);
    CREATE INDEX contest_scores_member ON contest_scores(member);
    CREATE TABLE contest_results (
        contest TEXT NOT NULL,
        window_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        seed TEXT,
        participants INTEGER NOT NULL,
        entries INTEGER NOT NULL,
        policy_version TEXT NOT NULL,
        PRIMARY KEY (contest, window_key)
    );
    CREATE TABLE contest_prizes (
        contest TEXT NOT NULL,
        window_key TEXT NOT NULL,
        rank INTEGER NOT NULL,
        member TEXT NOT NULL,
        score TEXT NOT NULL,
        points TEXT NOT NULL,
        badge TEXT,
        reward TEXT,
        event TEXT,
        PRIMARY KEY (contest, window_key, rank, member)
    );
    CREATE INDEX contest_prizes_member ON contest_prizes(member);
    ",
    ),
    (
        19,
        "
    -- Groups (issue 18): each join or leave of a group, append-only. A member's group of a
    -- kind at a time is the last row of that kind up to it; `role` is NULL for a leave.
    -- The book of a member and the book of a group (an account of its own) both read it.
    CREATE TABLE group_memberships (
        seq INTEGER PRIMARY KEY,
        member TEXT NOT NULL,
        group_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        role TEXT,
        time TEXT NOT NULL,
        event TEXT NOT NULL
    );
    CREATE INDEX group_memberships_member ON group_memberships(member);
    CREATE INDEX group_memberships_group ON group_memberships(group_id);
    ",
    ),
    (
        20,
        "
    -- What each member spent from a group's pool (a redemption of the group's, made by a
    -- member): the role's monthly limit counts it.
    CREATE TABLE group_spends (
        group_id TEXT NOT NULL,
        member TEXT NOT NULL,
        event TEXT NOT NULL UNIQUE,
        time TEXT NOT NULL,
        month TEXT NOT NULL,
        points TEXT NOT NULL
    );
    CREATE INDEX group_spends_group ON group_spends(group_id);
    ",
    ),
    (
        21,
        "
    -- Issue 14: a member's lots are found through their events, as their entries are.
    -- A lot is written for every award; `lots_member` cost each a b-tree insert scattered
    -- over an index ordered by member, which at a million purchases by 100,000 members no
    -- longer fits the page cache (a quarter of the 3-rule club's import). `lots_event`
    -- grows in the order events arrive, as `ledger_event` does. Every lot's event is an
    -- event of the lot's member (points given to another member are an event of theirs).
    DROP INDEX lots_member;
    CREATE INDEX lots_event ON lots(event);
    ",
    ),
    (
        22,
        "
    -- Issue 14: entries and lots are found by their event's row number, not its id. An
    -- event's id is whatever the till or the file says (receipt numbers of several stores,
    -- UUIDs), so `ledger_event` and `lots_event` took each insert somewhere in the middle:
    -- a third of the pages an HTTP post's commit wrote. Row numbers grow as events arrive,
    -- so the indexes on them are only ever appended to. Every entry and lot is written
    -- right after its event (`Ledger::record`), so the row number is always there.
    ALTER TABLE ledger ADD COLUMN event_seq INTEGER;
    ALTER TABLE lots ADD COLUMN event_seq INTEGER;
    DROP TRIGGER ledger_is_append_only_update;
    UPDATE ledger SET event_seq = (SELECT seq FROM events WHERE events.id = ledger.event);
    CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    UPDATE lots SET event_seq = (SELECT seq FROM events WHERE events.id = lots.event);
    DROP INDEX ledger_event;
    DROP INDEX lots_event;
    CREATE INDEX ledger_event_seq ON ledger(event_seq);
    CREATE INDEX lots_event_seq ON lots(event_seq);
    ",
    ),
    (
        23,
        "
    -- Issue 14: events and entries name their policy version by a small number, not by
    -- its 64-character id (the SHA-256 of its files): some 130 bytes less for a purchase
    -- and its entries, a quarter of the file, and fewer pages written an event. The id
    -- stays in `policy_versions`, beside its number; readers join the two. The rarer
    -- rows that name a version (return shares, contest results, rejections) keep its id.
    -- Numbers are given in the order versions were stored and never change.
    ALTER TABLE policy_versions ADD COLUMN number INTEGER;
    UPDATE policy_versions SET number = rowid;
    CREATE UNIQUE INDEX policy_versions_number ON policy_versions(number);
    -- A row whose version was never stored fails the migration (NOT NULL), which then
    -- changes nothing: no row loses the version it was decided under.
    ALTER TABLE events ADD COLUMN policy INTEGER NOT NULL DEFAULT 0;
    UPDATE events SET policy = (SELECT number FROM policy_versions WHERE id = events.policy_version);
    ALTER TABLE events DROP COLUMN policy_version;
    DROP TRIGGER ledger_is_append_only_update;
    ALTER TABLE ledger ADD COLUMN policy INTEGER NOT NULL DEFAULT 0;
    UPDATE ledger SET policy = (SELECT number FROM policy_versions WHERE id = ledger.policy_version);
    ALTER TABLE ledger DROP COLUMN policy_version;
    CREATE TRIGGER ledger_is_append_only_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    ",
    ),
];

/// The PostgreSQL store's migrations: (version, SQL), append only, numbered as SQLite's so
/// that one version means one set of tables in both. Version 8 creates, in one step, the
/// tables SQLite's first eight migrations built up; a later migration is written for both.
///
/// The same tables and columns as SQLite's, with PostgreSQL's types: `TEXT COLLATE "C"`
/// for text (compared and sorted byte by byte, as SQLite does), `BIGINT` for every integer
/// (flags included, 0 or 1, as SQLite stores them), identity columns where SQLite numbers
/// rows itself. SQLite's foreign keys are declared but never enforced (`foreign_keys =
/// OFF`), so none are declared here. `CTEXT` below stands for `TEXT COLLATE "C"`.
pub const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        8,
        "
    CREATE TABLE policy_versions (
        id CTEXT PRIMARY KEY,
        club CTEXT NOT NULL,
        first_used CTEXT NOT NULL,
        files CTEXT NOT NULL
    );
    CREATE TABLE members (
        id CTEXT PRIMARY KEY,
        type CTEXT NOT NULL,
        joined CTEXT NOT NULL,
        birthday CTEXT,
        attributes CTEXT NOT NULL DEFAULT '{}',
        balance CTEXT NOT NULL DEFAULT '0',
        spend_total CTEXT NOT NULL DEFAULT '0',
        visits BIGINT NOT NULL DEFAULT 0,
        last_visit CTEXT,
        debt CTEXT NOT NULL DEFAULT '0',
        credit CTEXT NOT NULL DEFAULT '0',
        tier CTEXT,
        tier_valid_until CTEXT,
        tier_reviewed_at CTEXT,
        greeted_through CTEXT,
        inactive_told CTEXT,
        joined_known BIGINT NOT NULL DEFAULT 1
    );
    CREATE TABLE events (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id CTEXT NOT NULL UNIQUE,
        member CTEXT NOT NULL,
        type CTEXT NOT NULL,
        time CTEXT NOT NULL,
        amount CTEXT NOT NULL,
        original CTEXT,
        currency CTEXT,
        channel CTEXT,
        store CTEXT,
        items CTEXT,
        attributes CTEXT,
        fingerprint CTEXT NOT NULL,
        policy_version CTEXT NOT NULL,
        credit_used CTEXT
    );
    CREATE INDEX events_member_time ON events(member, time);
    CREATE INDEX events_original ON events(original) WHERE original IS NOT NULL;
    CREATE TABLE ledger (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL,
        time CTEXT NOT NULL,
        rule CTEXT NOT NULL,
        points CTEXT NOT NULL,
        reason CTEXT NOT NULL,
        policy_version CTEXT NOT NULL,
        kind CTEXT NOT NULL DEFAULT 'earn'
    );
    CREATE INDEX ledger_event ON ledger(event);
    CREATE TABLE lots (
        seq BIGINT PRIMARY KEY,
        member CTEXT NOT NULL,
        entry BIGINT NOT NULL,
        event CTEXT NOT NULL,
        points CTEXT NOT NULL,
        remaining CTEXT NOT NULL,
        earned_at BIGINT NOT NULL,
        pending_until BIGINT NOT NULL,
        expires_at BIGINT,
        expired CTEXT NOT NULL DEFAULT '0'
    );
    CREATE INDEX lots_member ON lots(member, earned_at);
    CREATE TABLE lot_uses (
        entry BIGINT NOT NULL,
        lot BIGINT NOT NULL,
        kind CTEXT NOT NULL,
        points CTEXT NOT NULL
    );
    CREATE INDEX lot_uses_lot ON lot_uses(lot);
    CREATE TABLE notices (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        key CTEXT NOT NULL UNIQUE,
        member CTEXT NOT NULL,
        kind CTEXT NOT NULL,
        at CTEXT NOT NULL,
        due CTEXT,
        points CTEXT
    );
    CREATE INDEX notices_member ON notices(member);
    CREATE TABLE clock (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        now CTEXT NOT NULL
    );
    CREATE TABLE redemptions (
        event CTEXT PRIMARY KEY,
        member CTEXT NOT NULL,
        reward CTEXT NOT NULL,
        points CTEXT NOT NULL,
        code CTEXT UNIQUE,
        time CTEXT NOT NULL
    );
    CREATE INDEX redemptions_reward ON redemptions(reward, member);
    CREATE INDEX redemptions_member ON redemptions(member);
    CREATE TABLE credit (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL,
        time CTEXT NOT NULL,
        amount CTEXT NOT NULL,
        reason CTEXT NOT NULL
    );
    CREATE INDEX credit_member ON credit(member, seq);
    CREATE TABLE tier_changes (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL,
        time CTEXT NOT NULL,
        from_tier CTEXT,
        to_tier CTEXT,
        reason CTEXT NOT NULL
    );
    CREATE INDEX tier_changes_member ON tier_changes(member, seq);
    CREATE TABLE deal_enrollments (
        seq BIGINT PRIMARY KEY,
        member CTEXT NOT NULL,
        deal CTEXT NOT NULL,
        event CTEXT NOT NULL,
        enrolled_at CTEXT NOT NULL,
        starts_at CTEXT NOT NULL,
        periods BIGINT NOT NULL,
        kept BIGINT NOT NULL DEFAULT 0,
        missed BIGINT NOT NULL DEFAULT 0,
        next_checkpoint CTEXT NOT NULL,
        state CTEXT NOT NULL DEFAULT 'active',
        ended_at CTEXT,
        tier_until CTEXT
    );
    CREATE INDEX deal_enrollments_member ON deal_enrollments(member, deal);
    CREATE TABLE deal_checkpoints (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        enrollment BIGINT NOT NULL,
        period BIGINT NOT NULL,
        starts CTEXT NOT NULL,
        ends CTEXT NOT NULL,
        kept BIGINT NOT NULL,
        note CTEXT NOT NULL
    );
    CREATE INDEX deal_checkpoints_enrollment ON deal_checkpoints(enrollment, seq);
    CREATE TABLE messages (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        key CTEXT NOT NULL,
        channel CTEXT NOT NULL,
        member CTEXT NOT NULL,
        occasion CTEXT NOT NULL,
        day CTEXT NOT NULL,
        created_at CTEXT NOT NULL,
        deliver_after CTEXT NOT NULL,
        language CTEXT NOT NULL,
        text CTEXT NOT NULL,
        status CTEXT NOT NULL,
        reason CTEXT,
        attempts BIGINT NOT NULL DEFAULT 0,
        next_attempt_at CTEXT,
        sent_at CTEXT,
        UNIQUE (key, channel)
    );
    CREATE INDEX messages_due ON messages(status, deliver_after);
    CREATE INDEX messages_member_day ON messages(member, day);
    CREATE TABLE delivery_attempts (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        message BIGINT NOT NULL,
        at CTEXT NOT NULL,
        ok BIGINT NOT NULL,
        detail CTEXT NOT NULL
    );
    CREATE TABLE consents (
        member CTEXT NOT NULL,
        channel CTEXT NOT NULL,
        granted BIGINT NOT NULL,
        at CTEXT NOT NULL,
        source CTEXT NOT NULL,
        PRIMARY KEY (member, channel)
    );
    CREATE TABLE campaign_spend (
        campaign CTEXT NOT NULL,
        member CTEXT NOT NULL,
        day CTEXT NOT NULL,
        points CTEXT NOT NULL,
        event CTEXT NOT NULL
    );
    CREATE INDEX campaign_spend_campaign ON campaign_spend(campaign, member, day);
    CREATE INDEX campaign_spend_member ON campaign_spend(member);
    CREATE TABLE challenge_progress (
        challenge CTEXT NOT NULL,
        member CTEXT NOT NULL,
        period CTEXT NOT NULL,
        purchases BIGINT NOT NULL,
        spend CTEXT NOT NULL,
        completed_at CTEXT,
        PRIMARY KEY (challenge, member, period)
    );
    CREATE INDEX challenge_progress_member ON challenge_progress(member);
    CREATE TABLE badges (
        member CTEXT NOT NULL,
        badge CTEXT NOT NULL,
        at CTEXT NOT NULL,
        source CTEXT NOT NULL,
        PRIMARY KEY (member, badge)
    );
    CREATE TABLE return_shares (
        return_event CTEXT NOT NULL,
        original CTEXT NOT NULL,
        rule CTEXT NOT NULL,
        policy_version CTEXT NOT NULL,
        points CTEXT NOT NULL,
        taken CTEXT NOT NULL,
        owed CTEXT NOT NULL,
        forgiven CTEXT NOT NULL,
        expired CTEXT NOT NULL
    );
    CREATE INDEX return_shares_original ON return_shares(original);
    CREATE TABLE rejections (
        id CTEXT PRIMARY KEY,
        fingerprint CTEXT NOT NULL,
        policy_version CTEXT NOT NULL,
        message CTEXT NOT NULL,
        field CTEXT,
        file CTEXT,
        line BIGINT,
        col BIGINT,
        source_line CTEXT
    );
    -- Entries and the credit wallet are append-only, refused by the database itself as
    -- SQLite's triggers do.
    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$;
    CREATE TRIGGER ledger_is_append_only BEFORE UPDATE OR DELETE ON ledger
        FOR EACH ROW EXECUTE FUNCTION refuse_change('the ledger is append-only');
    CREATE TRIGGER ledger_is_never_truncated BEFORE TRUNCATE ON ledger
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the ledger is append-only');
    CREATE TRIGGER credit_is_append_only BEFORE UPDATE OR DELETE ON credit
        FOR EACH ROW EXECUTE FUNCTION refuse_change('the credit wallet is append-only');
    CREATE TRIGGER credit_is_never_truncated BEFORE TRUNCATE ON credit
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the credit wallet is append-only');
    ",
    ),
    (
        9,
        "
    CREATE TABLE activations (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        version CTEXT NOT NULL,
        at CTEXT NOT NULL,
        process CTEXT NOT NULL
    );
    ",
    ),
    (
        10,
        "
    CREATE TABLE code_uses (
        code CTEXT PRIMARY KEY,
        member CTEXT NOT NULL,
        at CTEXT NOT NULL,
        reference CTEXT NOT NULL
    );
    ",
    ),
    (
        11,
        "
    CREATE TABLE redemption_cancels (
        redemption CTEXT PRIMARY KEY,
        event CTEXT NOT NULL UNIQUE,
        member CTEXT NOT NULL,
        time CTEXT NOT NULL,
        reason CTEXT NOT NULL
    );
    ",
    ),
    (
        12,
        "
    CREATE TABLE outbound (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        id CTEXT NOT NULL UNIQUE,
        kind CTEXT NOT NULL,
        member CTEXT NOT NULL,
        time CTEXT NOT NULL,
        data CTEXT NOT NULL
    );
    CREATE TABLE webhook_progress (
        webhook CTEXT PRIMARY KEY,
        after BIGINT NOT NULL,
        attempts BIGINT NOT NULL,
        next_try CTEXT,
        last_error CTEXT
    );
    CREATE TABLE webhook_failures (
        webhook CTEXT NOT NULL,
        outbound BIGINT NOT NULL,
        at CTEXT NOT NULL,
        attempts BIGINT NOT NULL,
        error CTEXT NOT NULL,
        PRIMARY KEY (webhook, outbound)
    );
    ",
    ),
    (
        13,
        "
    ALTER TABLE code_uses ADD COLUMN basket CTEXT;
    ALTER TABLE code_uses ADD COLUMN discount CTEXT;
    ",
    ),
    (
        14,
        "
    CREATE INDEX members_tier ON members(tier);
    CREATE INDEX members_last_visit ON members(last_visit);
    ",
    ),
    (
        15,
        "
    -- SQLite's index of the member search (ids with profiles) is not made here: a
    -- PostgreSQL index entry has a size limit a long profile could pass, and a search reads
    -- PostgreSQL's rows from its shared buffers anyway. The version keeps the numbering.
    SELECT 1;
    ",
    ),
    (
        16,
        "
    -- A purchase or return paid in a foreign currency (issue 18): `amount` is converted
    -- into the club's currency; the amount as paid (in `currency`) and the rate are kept.
    ALTER TABLE events ADD COLUMN original_amount CTEXT;
    ALTER TABLE events ADD COLUMN rate CTEXT;
    ",
    ),
    (
        17,
        "
    CREATE TABLE campaign_holdouts (
        campaign CTEXT NOT NULL,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL,
        time CTEXT NOT NULL,
        PRIMARY KEY (campaign, member)
    );
    ",
    ),
    (
        18,
        "
    -- Contests (issue 18). What each event scored in a leaderboard, or the entries it
    -- earned in a draw, per window (the window's first day); a window's result, once,
    -- with a draw's seed; and each prize given. Written through the plan like any row.
    CREATE TABLE contest_scores (
        contest CTEXT NOT NULL,
        window_key CTEXT NOT NULL,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL,
        value CTEXT NOT NULL,
        time CTEXT NOT NULL,
        PRIMARY KEY (contest, event, member)
    );
    CREATE INDEX contest_scores_window ON contest_scores(contest, window_key);
    CREATE INDEX contest_scores_member ON contest_scores(member);
    CREATE TABLE contest_results (
        contest CTEXT NOT NULL,
        window_key CTEXT NOT NULL,
        kind CTEXT NOT NULL,
        decided_at CTEXT NOT NULL,
        seed CTEXT,
        participants BIGINT NOT NULL,
        entries BIGINT NOT NULL,
        policy_version CTEXT NOT NULL,
        PRIMARY KEY (contest, window_key)
    );
    CREATE TABLE contest_prizes (
        contest CTEXT NOT NULL,
        window_key CTEXT NOT NULL,
        rank BIGINT NOT NULL,
        member CTEXT NOT NULL,
        score CTEXT NOT NULL,
        points CTEXT NOT NULL,
        badge CTEXT,
        reward CTEXT,
        event CTEXT,
        PRIMARY KEY (contest, window_key, rank, member)
    );
    CREATE INDEX contest_prizes_member ON contest_prizes(member);
    ",
    ),
    (
        19,
        "
    CREATE TABLE group_memberships (
        seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        member CTEXT NOT NULL,
        group_id CTEXT NOT NULL,
        kind CTEXT NOT NULL,
        role CTEXT,
        time CTEXT NOT NULL,
        event CTEXT NOT NULL
    );
    CREATE INDEX group_memberships_member ON group_memberships(member);
    CREATE INDEX group_memberships_group ON group_memberships(group_id);
    ",
    ),
    (
        20,
        "
    CREATE TABLE group_spends (
        group_id CTEXT NOT NULL,
        member CTEXT NOT NULL,
        event CTEXT NOT NULL UNIQUE,
        time CTEXT NOT NULL,
        month CTEXT NOT NULL,
        points CTEXT NOT NULL
    );
    CREATE INDEX group_spends_group ON group_spends(group_id);
    ",
    ),
    (
        21,
        "
    -- As SQLite's 21: a member's lots are read through their events. PostgreSQL keeps
    -- `lots_member` (its clock scan for lots with points left reads it).
    CREATE INDEX lots_event ON lots(event);
    ",
    ),
    (
        22,
        "
    -- As SQLite's 22: entries and lots found by their event's row number.
    ALTER TABLE ledger ADD COLUMN event_seq BIGINT;
    ALTER TABLE lots ADD COLUMN event_seq BIGINT;
    ALTER TABLE ledger DISABLE TRIGGER ledger_is_append_only;
    UPDATE ledger SET event_seq = (SELECT seq FROM events WHERE events.id = ledger.event);
    ALTER TABLE ledger ENABLE TRIGGER ledger_is_append_only;
    UPDATE lots SET event_seq = (SELECT seq FROM events WHERE events.id = lots.event);
    DROP INDEX ledger_event;
    DROP INDEX lots_event;
    CREATE INDEX ledger_event_seq ON ledger(event_seq);
    CREATE INDEX lots_event_seq ON lots(event_seq);
    ",
    ),
    (
        23,
        "
    -- As SQLite's 23: events and entries name their policy version by its number.
    ALTER TABLE policy_versions ADD COLUMN number BIGINT;
    UPDATE policy_versions p SET number = r.n
        FROM (SELECT id, row_number() OVER (ORDER BY first_used, id) AS n FROM policy_versions) r
        WHERE r.id = p.id;
    CREATE UNIQUE INDEX policy_versions_number ON policy_versions(number);
    ALTER TABLE events ADD COLUMN policy BIGINT;
    UPDATE events e SET policy = p.number FROM policy_versions p WHERE p.id = e.policy_version;
    ALTER TABLE events ALTER COLUMN policy SET NOT NULL;
    ALTER TABLE events DROP COLUMN policy_version;
    ALTER TABLE ledger ADD COLUMN policy BIGINT;
    ALTER TABLE ledger DISABLE TRIGGER ledger_is_append_only;
    UPDATE ledger l SET policy = p.number FROM policy_versions p WHERE p.id = l.policy_version;
    ALTER TABLE ledger ENABLE TRIGGER ledger_is_append_only;
    ALTER TABLE ledger ALTER COLUMN policy SET NOT NULL;
    ALTER TABLE ledger DROP COLUMN policy_version;
    ",
    ),
];
