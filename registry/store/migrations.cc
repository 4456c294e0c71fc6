// The registry's schema as numbered migrations. Migration N brings a database
// from user_version N-1 to N; Store::Open applies the missing ones in order,
// each in its own transaction. A released migration is never edited: a change
// of shape is a new migration appended at the end.
#include "registry/store/migrations.h"

namespace tp::registry {
namespace {

// 1: the whole domain of SPEC.md. Sensitive values (身份证号, 手机) are stored
// as ciphertext (`*_enc`, libsodium secretbox under the key file beside the
// database) with a keyed hash (`*_hash`, HMAC-SHA-256 blind index) for exact
// lookups and a masked form for display; the plaintext is never written.
constexpr const char* kMigration1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- 推荐单位: societies, associations, enterprises, parks, ... with their parent.
CREATE TABLE units (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,          -- public code, e.g. U000001
  name        TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,                 -- label from data/unit_types.tsv (全国学会, 省级科协, …)
  parent_id   INTEGER REFERENCES units(id),
  province    TEXT,                          -- GB/T 2260 two-digit code, NULL for national units
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

CREATE TABLE persons (
  id                     INTEGER PRIMARY KEY,
  public_id              TEXT NOT NULL UNIQUE,   -- 编号
  name                   TEXT NOT NULL,          -- 姓名
  gender                 TEXT CHECK (gender IN ('男','女')),
  birth_date             TEXT,                   -- YYYY-MM-DD or YYYY-MM
  ethnic_group           TEXT,                   -- 民族 (GB 3304 name)
  native_place           TEXT,                   -- 籍贯
  birthplace             TEXT,                   -- 出生地
  political_affiliation  TEXT,                   -- 政治面貌 (GB/T 4762 name)
  id_number_enc          BLOB,                   -- 身份证号, encrypted
  id_number_hash         BLOB UNIQUE,            -- keyed hash of the normalised number
  id_number_mask         TEXT,                   -- 4501**********0023
  id_region              TEXT,                   -- six-digit region code of the ID number
  nationality            TEXT,                   -- 国籍; NULL means 中国
  foreign_residence      INTEGER,                -- 国外永久居留权 (0/1)
  hobbies                TEXT,                   -- 特长爱好
  email                  TEXT,                   -- 电子邮箱
  phone_enc              BLOB,                   -- 手机, encrypted
  phone_hash             BLOB,
  phone_mask             TEXT,                   -- 138****5678
  academician            INTEGER,                -- 是否院士 (0/1)
  address                TEXT,                   -- 通讯地址
  postcode               TEXT,                   -- 邮编
  unit_name              TEXT,                   -- 工作单位
  post                   TEXT,                   -- 职务
  title                  TEXT,                   -- 技术职称
  education              TEXT,                   -- 最高学历
  degree                 TEXT,                   -- 学位
  graduated_from         TEXT,                   -- 毕业院校
  major                  TEXT,                   -- 所学专业
  fields                 TEXT NOT NULL DEFAULT '[]',  -- 擅长领域, JSON array
  congress_posts         TEXT,                   -- 人大、政协任职
  association_posts      TEXT,                   -- 科协、学会、行业协会任职
  united_front_groups    TEXT,                   -- 知联会、海联会、新联会
  other_posts            TEXT,                   -- 其他社会职务
  career                 TEXT,                   -- 主要经历
  achievements           TEXT,                   -- 主要成就
  group_type             TEXT,                   -- 所属群体 (新经济组织/新社会组织/新就业群体)
  employment_status      TEXT,                   -- 在职/离退休/去世; NULL means 在职
  can_attend_seminar     INTEGER,                -- 可否参加专题研修班
  can_attend_study_tour  INTEGER,                -- 可否参加国情研修活动
  province               TEXT,                   -- two-digit code
  unit_id                INTEGER REFERENCES units(id),  -- the recommending unit it came from
  as_typed               TEXT NOT NULL DEFAULT '{}',    -- column -> text as submitted (never ID/phone)
  merged_into            INTEGER REFERENCES persons(id),-- set when staff merged this record away
  version                INTEGER NOT NULL DEFAULT 1,    -- for ETag / If-Match
  created_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  updated_at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX persons_name_birth ON persons(name, birth_date);
CREATE INDEX persons_phone_hash ON persons(phone_hash);
CREATE INDEX persons_unit ON persons(unit_id);

-- A campaign: the 党外代表人士 pool, or an honour campaign (最美科技工作者, 优秀党员…).
CREATE TABLE campaigns (
  id     INTEGER PRIMARY KEY,
  code   TEXT NOT NULL UNIQUE,
  kind   TEXT NOT NULL CHECK (kind IN ('pool','honour')),
  name   TEXT NOT NULL,
  year   INTEGER
);

-- A rule set: quotas, composition minimums, exemptions, eligibility (JSON, validated on load).
CREATE TABLE rule_sets (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  body        TEXT NOT NULL,
  version     INTEGER NOT NULL DEFAULT 1,
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);

-- A submission round: concentrated or supplementary (June, November).
CREATE TABLE rounds (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  campaign_id     INTEGER NOT NULL REFERENCES campaigns(id),
  kind            TEXT NOT NULL CHECK (kind IN ('concentrated','supplementary')),
  title           TEXT NOT NULL,
  opens_at        TEXT NOT NULL,       -- UTC ISO 8601; shown in Asia/Shanghai
  deadline_at     TEXT NOT NULL,
  reference_date  TEXT,                -- ages are computed at this date
  rule_set_id     INTEGER REFERENCES rule_sets(id),
  year            INTEGER NOT NULL
);

-- One unit's list in one round, with its 推荐意见 and state.
CREATE TABLE submissions (
  id                 INTEGER PRIMARY KEY,
  round_id           INTEGER NOT NULL REFERENCES rounds(id),
  unit_id            INTEGER NOT NULL REFERENCES units(id),
  state              TEXT NOT NULL DEFAULT 'draft'
                     CHECK (state IN ('draft','submitted','under_review','returned','closed')),
  opinion            TEXT,
  submitted_at       TEXT,
  deadline_override  TEXT,             -- a deadline extended for this unit only
  version            INTEGER NOT NULL DEFAULT 1,
  UNIQUE (round_id, unit_id)
);

CREATE TABLE recommendations (
  id             INTEGER PRIMARY KEY,
  submission_id  INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  person_id      INTEGER NOT NULL REFERENCES persons(id),
  state          TEXT NOT NULL DEFAULT 'draft'
                 CHECK (state IN ('draft','submitted','under_review','admitted','returned','rejected')),
  exempt_reason  TEXT,                 -- e.g. 理事长: does not count against the quota
  channel        TEXT,                 -- honour campaigns: the channel it came through
  group_name     TEXT,                 -- honour campaigns: 理科/工科/…/地市
  reasons        TEXT,                 -- why returned or rejected
  decided_by     TEXT,
  decided_at     TEXT,
  version        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (submission_id, person_id)
);
CREATE INDEX recommendations_person ON recommendations(person_id);

-- 入库: admission to the pool, by year, tier and batch.
CREATE TABLE admissions (
  id                 INTEGER PRIMARY KEY,
  person_id          INTEGER NOT NULL REFERENCES persons(id),
  year               INTEGER NOT NULL,
  tier               TEXT CHECK (tier IN ('领军人才','青年人才')),
  batch              TEXT,
  source_unit_id     INTEGER REFERENCES units(id),
  round_id           INTEGER REFERENCES rounds(id),
  recommendation_id  INTEGER REFERENCES recommendations(id),
  admitted_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (person_id, year)
);

CREATE TABLE honours (
  id           INTEGER PRIMARY KEY,
  person_id    INTEGER NOT NULL REFERENCES persons(id),
  campaign_id  INTEGER NOT NULL REFERENCES campaigns(id),
  title        TEXT NOT NULL,
  year         INTEGER NOT NULL,
  level        TEXT,                   -- 全国 / 省级 …
  UNIQUE (person_id, campaign_id)
);

-- Training: events (培训班次 / 研修班), their classes, availability and enrolments.
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  code       TEXT NOT NULL UNIQUE,
  title      TEXT NOT NULL,
  series     TEXT,                     -- e.g. annual-training, seminar, study-tour
  starts_on  TEXT NOT NULL,
  ends_on    TEXT NOT NULL,
  place      TEXT,
  capacity   INTEGER NOT NULL CHECK (capacity >= 0)
);

CREATE TABLE classes (
  id        INTEGER PRIMARY KEY,
  event_id  INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  name      TEXT NOT NULL,
  level     TEXT CHECK (level IN ('领军人才','青年人才')),
  capacity  INTEGER NOT NULL CHECK (capacity >= 0),
  UNIQUE (event_id, name)
);

CREATE TABLE availability (
  person_id  INTEGER NOT NULL REFERENCES persons(id),
  event_id   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  available  INTEGER NOT NULL,
  source     TEXT,                     -- unit sheet, staff, …
  PRIMARY KEY (person_id, event_id)
) WITHOUT ROWID;

CREATE TABLE enrolments (
  id            INTEGER PRIMARY KEY,
  event_id      INTEGER NOT NULL REFERENCES events(id),
  class_id      INTEGER REFERENCES classes(id),
  person_id     INTEGER NOT NULL REFERENCES persons(id),
  state         TEXT NOT NULL CHECK (state IN
                ('invited','confirmed','waitlisted','declined','removed','attended','absent')),
  waitlist_pos  INTEGER,
  version       INTEGER NOT NULL DEFAULT 1,
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  UNIQUE (event_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);

-- API tokens: only a hash of the token is kept.
CREATE TABLE tokens (
  id          INTEGER PRIMARY KEY,
  hash        BLOB NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('staff','province','unit')),
  unit_id     INTEGER REFERENCES units(id),
  province    TEXT,
  label       TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  revoked_at  TEXT
);

-- Who read, revealed, changed, exported or checked what, when, from where.
CREATE TABLE audit_log (
  id           INTEGER PRIMARY KEY,
  at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  actor        TEXT NOT NULL,          -- token id, or 'cli'
  role         TEXT,
  action       TEXT NOT NULL,          -- read, reveal, create, update, export, check, …
  object_type  TEXT,
  object_id    TEXT,
  detail       TEXT,                   -- JSON, never an ID number or phone
  remote_addr  TEXT
);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- The change log the search index follows. Triggers append to it in the same
-- transaction as the write, so the index can never miss a committed change.
CREATE TABLE change_log (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity     TEXT NOT NULL,
  entity_id  INTEGER NOT NULL
);

CREATE TRIGGER persons_ai AFTER INSERT ON persons BEGIN
  INSERT INTO change_log(entity, entity_id) VALUES ('person', NEW.id); END;
CREATE TRIGGER persons_au AFTER UPDATE ON persons BEGIN
  INSERT INTO change_log(entity, entity_id) VALUES ('person', NEW.id); END;
CREATE TRIGGER persons_ad AFTER DELETE ON persons BEGIN
  INSERT INTO change_log(entity, entity_id) VALUES ('person', OLD.id); END;
)sql"
// Every table shown in a person's search document re-indexes that person.
#define TP_PERSON_TRIGGERS(table)                                                      \
  "CREATE TRIGGER " #table "_ai AFTER INSERT ON " #table                               \
  " BEGIN "                                                                            \
  "INSERT INTO change_log(entity, entity_id) VALUES ('person', NEW.person_id); END;\n" \
  "CREATE TRIGGER " #table "_au AFTER UPDATE ON " #table                               \
  " BEGIN "                                                                            \
  "INSERT INTO change_log(entity, entity_id) VALUES ('person', NEW.person_id); END;\n" \
  "CREATE TRIGGER " #table "_ad AFTER DELETE ON " #table                               \
  " BEGIN "                                                                            \
  "INSERT INTO change_log(entity, entity_id) VALUES ('person', OLD.person_id); END;\n"
    TP_PERSON_TRIGGERS(admissions) TP_PERSON_TRIGGERS(honours) TP_PERSON_TRIGGERS(recommendations)
        TP_PERSON_TRIGGERS(enrolments)
#undef TP_PERSON_TRIGGERS
    ;

// 2: training cohorts. An event names the column of the unit's sheet that
// says who can attend it (staff settings in `availability` win over it) and
// the notice it comes from. The seat holders of a class (invited, confirmed,
// attended, absent) never outnumber its seats: the triggers refuse the write
// that would, whatever code makes it, so neither a slip in a code path nor a
// second process can overbook a class.
constexpr const char* kMigration2 = R"sql(
ALTER TABLE events ADD COLUMN availability_field TEXT
  CHECK (availability_field IN ('can_attend_seminar','can_attend_study_tour'));
ALTER TABLE events ADD COLUMN source TEXT;
CREATE INDEX enrolments_class_state ON enrolments(class_id, state, waitlist_pos);

CREATE TRIGGER enrolments_seats_bi BEFORE INSERT ON enrolments
WHEN NEW.class_id IS NOT NULL AND NEW.state IN ('invited','confirmed','attended','absent')
BEGIN
  SELECT RAISE(ABORT, 'class_full') WHERE
    (SELECT count(*) FROM enrolments WHERE class_id=NEW.class_id
       AND state IN ('invited','confirmed','attended','absent'))
    >= (SELECT capacity FROM classes WHERE id=NEW.class_id);
END;
CREATE TRIGGER enrolments_seats_bu BEFORE UPDATE OF state, class_id ON enrolments
WHEN NEW.class_id IS NOT NULL AND NEW.state IN ('invited','confirmed','attended','absent')
  AND (OLD.state NOT IN ('invited','confirmed','attended','absent') OR OLD.class_id IS NOT NEW.class_id)
BEGIN
  SELECT RAISE(ABORT, 'class_full') WHERE
    (SELECT count(*) FROM enrolments WHERE class_id=NEW.class_id
       AND state IN ('invited','confirmed','attended','absent'))
    >= (SELECT capacity FROM classes WHERE id=NEW.class_id);
END;
)sql";

// 3: recommendation rounds. A recommendation carries its unit's 推荐意见 and
// what the unit declared about the person (人员类别, for the exclusions of
// honour campaigns); a campaign names the title its honourees get. Possible
// duplicates are looked up by birth date; pairs staff confirmed to be two
// people are not offered again. An uploaded 汇总表's rows that failed are
// kept as the annotated workbook the unit downloads.
constexpr const char* kMigration3 = R"sql(
ALTER TABLE campaigns ADD COLUMN honour_title TEXT;
ALTER TABLE campaigns ADD COLUMN level TEXT;
ALTER TABLE recommendations ADD COLUMN opinion TEXT;
ALTER TABLE recommendations ADD COLUMN declared TEXT NOT NULL DEFAULT '[]';
CREATE INDEX persons_birth ON persons(birth_date);
CREATE INDEX submissions_unit ON submissions(unit_id);

CREATE TABLE distinct_persons (
  person_a    INTEGER NOT NULL REFERENCES persons(id),
  person_b    INTEGER NOT NULL REFERENCES persons(id),
  decided_by  TEXT,
  decided_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  PRIMARY KEY (person_a, person_b),
  CHECK (person_a < person_b)
) WITHOUT ROWID;

CREATE TABLE upload_reports (
  id             INTEGER PRIMARY KEY,
  submission_id  INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  filename       TEXT,
  rows_read      INTEGER NOT NULL,
  rows_added     INTEGER NOT NULL,
  rows_rejected  INTEGER NOT NULL,
  errors_xlsx    BLOB,                 -- the failed rows with 错误信息; NULL when none failed
  created_by     TEXT,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
)sql";

// 4: audit entries of reads and checks reach audit_log through a spool, a
// fraction of a second after the entries of changes made at the same time,
// so the log is read in the order of `at`, not of `id`.
constexpr const char* kMigration4 = R"sql(
CREATE INDEX audit_log_at ON audit_log(at);
)sql";

// 5: a recommendation keeps the cells its unit sent, sealed like the person's
// ID number and phone: the unit's own copy of the person, which changes the
// stored record only where that record is the unit's own (workflow.h).
constexpr const char* kMigration5 = R"sql(
ALTER TABLE recommendations ADD COLUMN submitted_enc BLOB;
)sql";

// 6: a person's row re-enters the change log only when its version changes:
// every change of what it shows bumps the version, while sealing its ID
// number and phone anew under another key (`talentpool rekey`) does not, and
// must not re-index every person of the registry.
constexpr const char* kMigration6 = R"sql(
DROP TRIGGER persons_au;
CREATE TRIGGER persons_au AFTER UPDATE ON persons WHEN NEW.version IS NOT OLD.version BEGIN
  INSERT INTO change_log(entity, entity_id) VALUES ('person', NEW.id); END;
)sql";

// 7: accounts people sign in with, their sessions, and invitations for nominees to fill in their
// own forms. A password is kept only as libsodium's Argon2id string, a session and an invitation
// only as the SHA-256 of their random secret. Times the code compares (sessions, locks) are Unix
// seconds of the registry's clock. A token may belong to an account and expire; the audit log
// keeps the display name of whoever acted, as it was at the time.
constexpr const char* kMigration7 = R"sql(
CREATE TABLE accounts (
  id                    INTEGER PRIMARY KEY,
  username              TEXT NOT NULL UNIQUE,
  display_name          TEXT NOT NULL,
  role                  TEXT NOT NULL CHECK (role IN ('staff','province','unit')),
  province              TEXT,                   -- role province: two-digit code
  unit_id               INTEGER REFERENCES units(id),  -- role unit
  password_hash         TEXT NOT NULL,          -- crypto_pwhash_str (Argon2id)
  must_change_password  INTEGER NOT NULL DEFAULT 1,
  state                 TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','disabled')),
  failed_count          INTEGER NOT NULL DEFAULT 0,
  failed_since          INTEGER,                -- first failure of the current count
  locked_until          INTEGER,
  created_by            TEXT NOT NULL,
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  last_sign_in_at       INTEGER,
  CHECK ((role = 'unit') = (unit_id IS NOT NULL)),
  CHECK ((role = 'province') = (province IS NOT NULL))
);

CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY,
  hash          BLOB NOT NULL UNIQUE,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  csrf_token    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,               -- the absolute limit
  ended_at      INTEGER,
  remote_addr   TEXT
);
CREATE INDEX sessions_account ON sessions(account_id, ended_at);

ALTER TABLE tokens ADD COLUMN account_id INTEGER REFERENCES accounts(id);
ALTER TABLE tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE audit_log ADD COLUMN actor_name TEXT;

CREATE TABLE invitations (
  id             INTEGER PRIMARY KEY,
  hash           BLOB NOT NULL UNIQUE,
  round_id       INTEGER NOT NULL REFERENCES rounds(id),
  unit_id        INTEGER NOT NULL REFERENCES units(id),
  name           TEXT NOT NULL,
  contact_enc    BLOB NOT NULL,                 -- mobile or e-mail, sealed
  contact_mask   TEXT NOT NULL,
  state          TEXT NOT NULL DEFAULT 'sent' CHECK (state IN
                 ('sent','opened','submitted','returned','accepted','revoked')),
  form_enc       BLOB,                          -- the values as JSON, sealed
  reason         TEXT,                          -- why the unit returned it
  created_by     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  opened_at      INTEGER,
  submitted_at   INTEGER,
  expires_at     INTEGER NOT NULL,
  recommendation_id INTEGER REFERENCES recommendations(id),
  version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX invitations_round_unit ON invitations(round_id, unit_id);
)sql";

// 8: each enrolment's history, invited → confirmed → attended or absent, with who and when.
// The code writes who acts into the enrolment's row; triggers copy every change of state into
// the history, whatever code makes it. Enrolments made before keep their latest state as one
// step of unknown origin.
constexpr const char* kMigration8 = R"sql(
ALTER TABLE enrolments ADD COLUMN changed_by TEXT;
ALTER TABLE enrolments ADD COLUMN changed_by_name TEXT;
CREATE TABLE enrolment_history (
  id             INTEGER PRIMARY KEY,
  enrolment_id   INTEGER NOT NULL REFERENCES enrolments(id),
  from_state     TEXT,
  to_state       TEXT NOT NULL,
  actor          TEXT,
  actor_name     TEXT,
  at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
);
CREATE INDEX enrolment_history_enrolment ON enrolment_history(enrolment_id);
INSERT INTO enrolment_history(enrolment_id, from_state, to_state, at)
  SELECT id, NULL, state, updated_at FROM enrolments;
CREATE TRIGGER enrolments_history_ai AFTER INSERT ON enrolments BEGIN
  INSERT INTO enrolment_history(enrolment_id, from_state, to_state, actor, actor_name)
  VALUES (NEW.id, NULL, NEW.state, NEW.changed_by, NEW.changed_by_name); END;
CREATE TRIGGER enrolments_history_au AFTER UPDATE OF state ON enrolments
WHEN NEW.state IS NOT OLD.state BEGIN
  INSERT INTO enrolment_history(enrolment_id, from_state, to_state, actor, actor_name)
  VALUES (NEW.id, OLD.state, NEW.state, NEW.changed_by, NEW.changed_by_name); END;
)sql";

// 9: a class's conditions besides its level: the age on the event's start date (NULL: no
// bound). The 青年人才班 of the 2024 training takes people aged 35 or under (桂科协组发〔2024〕
// 37号 二（二）3), as data/events.json now says for registries made from it.
constexpr const char* kMigration9 = R"sql(
ALTER TABLE classes ADD COLUMN min_age INTEGER CHECK (min_age BETWEEN 1 AND 120);
ALTER TABLE classes ADD COLUMN max_age INTEGER CHECK (max_age BETWEEN 1 AND 120);
UPDATE classes SET max_age = 35 WHERE name = '青年人才班' AND level = '青年人才'
  AND event_id IN (SELECT id FROM events WHERE code = '2024-training');
)sql";

// 10: attendance per event day. A seat holder is present or absent on each day of the event
// the office has recorded, with who recorded it, when, and from where (the API, an uploaded
// sign-in sheet, or the whole-event attend/absent action); the enrolment's state follows the
// days (registry/cohorts/cohorts.h).
constexpr const char* kMigration10 = R"sql(
CREATE TABLE attendance (
  enrolment_id      INTEGER NOT NULL REFERENCES enrolments(id),
  day               TEXT NOT NULL,               -- YYYY-MM-DD, a day of the event
  present           INTEGER NOT NULL CHECK (present IN (0,1)),
  source            TEXT NOT NULL CHECK (source IN ('api','sheet','action')),
  recorded_by       TEXT,
  recorded_by_name  TEXT,
  recorded_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  PRIMARY KEY (enrolment_id, day)
) WITHOUT ROWID;
)sql";

// 11: attachments, the photos and stamped scans of a person or of one of their recommendations
// ([002] 二（三）, [003] 四), or of a nominee's own form before the unit takes it into its list
// (then they move to the person and the recommendation). The files live outside the database,
// sealed, named by a keyed hash of their content (registry/attachments/); a row names its file by
// that key, and the file goes when the last row naming it does.
constexpr const char* kMigration11 = R"sql(
CREATE TABLE attachments (
  id                 INTEGER PRIMARY KEY,
  person_id          INTEGER REFERENCES persons(id),
  recommendation_id  INTEGER REFERENCES recommendations(id),
  invitation_id      INTEGER REFERENCES invitations(id),
  kind               TEXT NOT NULL,
  filename           TEXT NOT NULL,
  content_type       TEXT NOT NULL,
  bytes              INTEGER NOT NULL CHECK (bytes > 0),
  blob_key           TEXT NOT NULL,
  width              INTEGER,
  height             INTEGER,
  dpi                INTEGER,
  pages              INTEGER,
  warnings           TEXT NOT NULL DEFAULT '[]',   -- JSON array of the upload's warnings
  uploaded_by        TEXT,
  uploaded_by_name   TEXT,
  uploaded_role      TEXT,
  uploaded_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  CHECK (person_id IS NOT NULL OR invitation_id IS NOT NULL)
);
CREATE INDEX attachments_person ON attachments(person_id);
CREATE INDEX attachments_invitation ON attachments(invitation_id);
CREATE INDEX attachments_recommendation ON attachments(recommendation_id);
CREATE INDEX attachments_blob ON attachments(blob_key);
)sql";

// 12: the 推荐表 of a recommendation in an honour campaign ([002] 附件, [003] 附件1): the boxes the
// person record does not hold (推荐领域, 事迹, 感人故事, 所在单位意见, …) as JSON, sealed like the
// unit's copy of the person (personal text); and the unit's answers to the exclusions the data
// suggests (a unit name like a government organ, an age past retirement, …), each with who
// answered and when, for staff and the unit to see.
constexpr const char* kMigration12 = R"sql(
CREATE TABLE honour_forms (
  recommendation_id  INTEGER PRIMARY KEY REFERENCES recommendations(id),
  form_code          TEXT NOT NULL,                -- data/forms/honour/<code>.json
  form_enc           BLOB NOT NULL,                -- the boxes as JSON, sealed
  updated_by         TEXT,
  updated_by_name    TEXT,
  updated_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  version            INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE exclusion_answers (
  recommendation_id  INTEGER NOT NULL REFERENCES recommendations(id),
  check_code         TEXT NOT NULL,                -- a check of the round's rule set
  answer             TEXT NOT NULL CHECK (answer IN ('confirm','correct')),
  note               TEXT NOT NULL DEFAULT '',
  message            TEXT NOT NULL,                -- what the data showed when answered
  answered_by        TEXT,
  answered_by_name   TEXT,
  answered_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  PRIMARY KEY (recommendation_id, check_code)
) WITHOUT ROWID;
)sql";

// 13: honour campaigns after the recommendation: experts and their review rounds, the 公示 and its
// objections ([002] 三（三）: 组织专家对候选人进行多轮评选……经公示无异议后公布). An expert is an
// account of its own role, with the organisation they work for (and the recommending unit it is,
// when it is one) so that they never review a candidate of their own organisation. SQLite cannot
// change a CHECK, so accounts and tokens are rebuilt with the new role (foreign keys are not
// enforced during migrations, and their rows keep their ids).
constexpr const char* kMigration13 = R"sql(
CREATE TABLE accounts_new (
  id                    INTEGER PRIMARY KEY,
  username              TEXT NOT NULL UNIQUE,
  display_name          TEXT NOT NULL,
  role                  TEXT NOT NULL CHECK (role IN ('staff','province','unit','expert')),
  province              TEXT,
  unit_id               INTEGER REFERENCES units(id),
  password_hash         TEXT NOT NULL,
  must_change_password  INTEGER NOT NULL DEFAULT 1,
  state                 TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','disabled')),
  failed_count          INTEGER NOT NULL DEFAULT 0,
  failed_since          INTEGER,
  locked_until          INTEGER,
  created_by            TEXT NOT NULL,
  created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  last_sign_in_at       INTEGER,
  CHECK ((role = 'unit') = (unit_id IS NOT NULL)),
  CHECK ((role = 'province') = (province IS NOT NULL))
);
INSERT INTO accounts_new SELECT id, username, display_name, role, province, unit_id,
  password_hash, must_change_password, state, failed_count, failed_since, locked_until,
  created_by, created_at, last_sign_in_at FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

CREATE TABLE tokens_new (
  id          INTEGER PRIMARY KEY,
  hash        BLOB NOT NULL UNIQUE,
  role        TEXT NOT NULL CHECK (role IN ('staff','province','unit','expert')),
  unit_id     INTEGER REFERENCES units(id),
  province    TEXT,
  label       TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
  revoked_at  TEXT,
  account_id  INTEGER REFERENCES accounts(id),
  expires_at  INTEGER
);
INSERT INTO tokens_new SELECT id, hash, role, unit_id, province, label, created_at, revoked_at,
  account_id, expires_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;

CREATE TABLE experts (
  account_id    INTEGER PRIMARY KEY REFERENCES accounts(id),
  organisation  TEXT NOT NULL,                 -- 工作单位, as the 推荐表 writes one
  unit_id       INTEGER REFERENCES units(id)   -- the recommending unit it is, if any
);

-- A review round of an honour round: a shortlist round narrows, a final round ranks.
CREATE TABLE reviews (
  id         INTEGER PRIMARY KEY,
  round_id   INTEGER NOT NULL REFERENCES rounds(id),
  stage      INTEGER NOT NULL CHECK (stage >= 1),
  kind       TEXT NOT NULL CHECK (kind IN ('shortlist','final')),
  title      TEXT NOT NULL,
  criteria   TEXT NOT NULL,                   -- JSON: the campaign's criteria when it opened
  advance    INTEGER,                         -- shortlist: how many go on
  state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','closed')),
  opened_by  TEXT NOT NULL,
  opened_at  TEXT NOT NULL,
  closed_by  TEXT,
  closed_at  TEXT,
  UNIQUE (round_id, stage)
);
CREATE TABLE review_candidates (
  review_id          INTEGER NOT NULL REFERENCES reviews(id),
  recommendation_id  INTEGER NOT NULL REFERENCES recommendations(id),
  advanced           INTEGER NOT NULL DEFAULT 0 CHECK (advanced IN (0,1)),
  PRIMARY KEY (review_id, recommendation_id)
) WITHOUT ROWID;
CREATE TABLE review_experts (
  review_id   INTEGER NOT NULL REFERENCES reviews(id),
  account_id  INTEGER NOT NULL REFERENCES accounts(id),
  groups      TEXT NOT NULL DEFAULT '[]',     -- JSON array of 推荐组别; empty: every group
  PRIMARY KEY (review_id, account_id)
) WITHOUT ROWID;
CREATE TABLE review_scores (
  review_id          INTEGER NOT NULL REFERENCES reviews(id),
  account_id         INTEGER NOT NULL REFERENCES accounts(id),
  recommendation_id  INTEGER NOT NULL REFERENCES recommendations(id),
  scores             TEXT NOT NULL,           -- JSON: criterion key -> points
  total              REAL NOT NULL,
  comment            TEXT,
  scored_at          TEXT NOT NULL,
  PRIMARY KEY (review_id, account_id, recommendation_id)
) WITHOUT ROWID;

-- 公示: the chosen names, shown for a number of working days, with objections.
CREATE TABLE notices (
  id            INTEGER PRIMARY KEY,
  round_id      INTEGER NOT NULL UNIQUE REFERENCES rounds(id),
  first_day     TEXT NOT NULL,                -- YYYY-MM-DD, Beijing
  last_day      TEXT NOT NULL,
  days          INTEGER NOT NULL CHECK (days >= 1),
  state         TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running','published')),
  started_by    TEXT NOT NULL,
  started_at    TEXT NOT NULL,
  published_by  TEXT,
  published_at  TEXT
);
CREATE TABLE notice_names (
  notice_id          INTEGER NOT NULL REFERENCES notices(id),
  recommendation_id  INTEGER NOT NULL REFERENCES recommendations(id),
  position           INTEGER NOT NULL,
  withdrawn          TEXT,                    -- why the name was taken off (an upheld objection)
  PRIMARY KEY (notice_id, recommendation_id)
) WITHOUT ROWID;
CREATE TABLE objections (
  id                 INTEGER PRIMARY KEY,
  notice_id          INTEGER NOT NULL REFERENCES notices(id),
  recommendation_id  INTEGER NOT NULL REFERENCES recommendations(id),
  received_on        TEXT NOT NULL,           -- YYYY-MM-DD
  source_enc         BLOB NOT NULL,           -- who objected and how to reach them, sealed
  content_enc        BLOB NOT NULL,           -- what they said, sealed
  state              TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','upheld','dismissed')),
  resolution         TEXT,
  recorded_by        TEXT NOT NULL,
  recorded_at        TEXT NOT NULL,
  resolved_by        TEXT,
  resolved_at        TEXT
);
CREATE INDEX objections_notice ON objections(notice_id);
)sql";

constexpr const char* kMigrations[] = {kMigration1, kMigration2,  kMigration3,  kMigration4,
                                       kMigration5, kMigration6,  kMigration7,  kMigration8,
                                       kMigration9, kMigration10, kMigration11, kMigration12,
                                       kMigration13};

}  // namespace

std::span<const char* const> Migrations() { return kMigrations; }

}  // namespace tp::registry
