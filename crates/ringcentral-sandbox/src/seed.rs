//! The seeded company, a pure function of (seed, number of users): accounts and sites, users, call
//! queues, IVR menus, numbers, devices, forwarding and answering rules, team messaging, video bridges
//! and a federated second account. Per-user mailboxes, call logs and address books are derived on
//! first access (the store asks through [`Seeder`]) from the same seed, so a large company starts
//! fast.

use rusqlite::{Connection, params};
use serde_json::json;

use crate::error::Result;
use crate::rng::Rng;
use crate::store::{
    ADMIN_EMAIL, AFTER_HOURS_RULE, Attachment, BUSINESS_HOURS_RULE, CallRecord, Chat, Contact,
    Device, Extension, ExtensionExtra, FEDERATED_ACCOUNT_ID, ForwardingNumber, IvrAction,
    MAIN_ACCOUNT_ID, Message, Meta, MonitoringGroup, PAGING_DEVICE, PAGING_USER, Party,
    PhoneNumber, Post, QueueInfo, Seeder, SiteIvr, Task, add_paging_member,
    default_answering_rules, extension, forwarding_numbers, insert_device, insert_extension,
    insert_phone_number, save_answering_rule, save_bridge, save_call, save_chat, save_contact,
    save_forwarding_number, save_message, save_monitoring_group, save_post, save_site_ivr,
    save_task, set_monitoring_member,
};

const MAIN_DOMAIN: &str = "sandbox.example.com";
const FED_DOMAIN: &str = "partner.example.com";
const MAIN_USER_BASE: i64 = 62_000_000_000;
const FED_USER_BASE: i64 = 63_000_000_000;
const OTHER_EXT_BASE: i64 = 61_000_000_000;
const NUMBER_BASE: i64 = 71_000_000_000;
const DEVICE_BASE: i64 = 81_000_000_000;
const FORWARDING_BASE: i64 = 91_000_000_000;
const MESSAGE_BASE: i64 = 1_000_000_000_000;
const CONTACT_BASE: i64 = 2_000_000_000_000;
const CALL_BASE: i64 = 3_000_000_000_000;
/// Ids of resources created through the API start here, above every seeded range.
const CREATED_BASE: i64 = 9_000_000_000_000;
const MAX_USERS: usize = 1_000_000;
const IVR_MAIN: i64 = OTHER_EXT_BASE + 300;
const IVR_AFTER_HOURS: i64 = OTHER_EXT_BASE + 301;
const PAGING_BASE: i64 = OTHER_EXT_BASE + 400;
const ESCALATIONS_QUEUE: i64 = OTHER_EXT_BASE + 490;
const MONITORING_BASE: i64 = 64_000_000_000;
const COMPANY_RULE_BASE: i64 = 70_000_000;
/// Custom answering rules of [`Referenced`] people (other seeded custom rules start at 50,000,000).
const PERSON_RULE_BASE: i64 = 60_000_000;

// Streams of the generator, so each kind of data is independent of the others.
const S_USERS: u64 = 1;
const S_QUEUES: u64 = 2;
const S_FED: u64 = 3;
const S_CHATS: u64 = 4;
const S_RULES: u64 = 5;
const S_MESSAGES: u64 = 10;
const S_CALLS: u64 = 11;
const S_CONTACTS: u64 = 12;

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
    "Mia", "Mateo", "Amelia", "Benjamin", "Harper", "Levi", "Evelyn", "Ethan", "Abigail", "Henry",
    "Emily", "Jack", "Ella", "Aiden", "Grace", "Samuel", "Chloe", "Daniel", "Zoe", "Owen", "Nora",
    "Ravi", "Priya", "Kenji", "Yuki", "Fatima", "Omar", "Ana", "Diego", "Ingrid", "Lars", "Chen",
    "Mei", "Kwame", "Amara", "Sean", "Siobhan", "Pierre", "Camille",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Patel",
    "Tanaka",
    "Okafor",
    "Larsen",
    "Dubois",
    "Kowalski",
    "Murphy",
];
const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Support",
    "Engineering",
    "Marketing",
    "Finance",
    "Operations",
];
const TITLES: &[&str] = &[
    "Account Executive",
    "Support Engineer",
    "Software Engineer",
    "Product Manager",
    "Marketing Specialist",
    "Accountant",
    "Operations Manager",
    "Team Lead",
    "Analyst",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Foods",
    "Hooli",
    "Vandelay Industries",
    "Soylent Labs",
    "Tyrell Systems",
];
const SMS_TEXTS: &[&str] = &[
    "Running 5 minutes late, start without me.",
    "Can you send me the quote for the renewal?",
    "Meeting moved to 3pm, same room.",
    "Thanks! Got the files.",
    "Customer called back about ticket 4821.",
    "Lunch at noon?",
    "Your order has shipped.",
    "Please call me when you are free.",
];

fn user_index_id(account: i64, idx: usize) -> i64 {
    if account == MAIN_ACCOUNT_ID {
        MAIN_USER_BASE + idx as i64
    } else {
        FED_USER_BASE + idx as i64
    }
}

/// The seeded user index of a main-account user extension id, if it is one.
fn seeded_index(meta: &Meta, extension_id: i64) -> Option<usize> {
    let idx = extension_id - MAIN_USER_BASE;
    (idx >= 0 && (idx as usize) < meta.users).then_some(idx as usize)
}

/// The extension whose lazily seeded call log holds the record `id`, if `id` is the id of a seeded
/// record: reading one record then seeds only its owner's log.
pub(crate) fn seeded_call_owner(meta: &Meta, id: &str) -> Option<i64> {
    let n = i64::from_str_radix(id.strip_prefix('C')?, 16).ok()?;
    let idx = n.checked_sub(CALL_BASE)? / 100;
    let owner = MAIN_USER_BASE.checked_add(idx)?;
    seeded_index(meta, owner).map(|_| owner)
}

fn direct_number(account: i64, idx: usize) -> String {
    if account == MAIN_ACCOUNT_ID {
        format!("+16507{idx:06}")
    } else {
        format!("+14157{idx:06}")
    }
}

fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

struct Person {
    first: &'static str,
    last: &'static str,
}

fn person(rng: &mut Rng) -> Person {
    Person {
        first: rng.pick_copy(FIRST),
        last: rng.pick_copy(LAST),
    }
}

/// Seeds the whole company into an empty store.
pub(crate) fn seed_company(tx: &Connection, seed: u64, users: usize, now_ms: i64) -> Result<()> {
    let users = users.clamp(1, MAX_USERS);
    let meta_rows: [(&str, String); 8] = [
        ("seed", seed.to_string()),
        ("users", users.to_string()),
        ("epoch_ms", now_ms.to_string()),
        (
            "client_id",
            format!("sbx{}", &uuid::Uuid::new_v4().simple().to_string()[..19]),
        ),
        ("client_secret", random_secret()),
        ("signing_key", random_secret()),
        ("admin_id", MAIN_USER_BASE.to_string()),
        ("next_id", CREATED_BASE.to_string()),
    ];
    for (k, v) in meta_rows {
        tx.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }

    let created = now_ms - 400 * 86_400_000;
    tx.execute(
        "INSERT INTO accounts(id, name, main_number, federated_name, domain, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![MAIN_ACCOUNT_ID, "Sandbox Corp", "+16505550100", "Sandbox Corp (HQ)", MAIN_DOMAIN, created],
    )?;
    tx.execute(
        "INSERT INTO accounts(id, name, main_number, federated_name, domain, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![FEDERATED_ACCOUNT_ID, "Partner Holdings", "+14155550100", "Partner Holdings (EU)", FED_DOMAIN, created],
    )?;
    let sites: [(i64, i64, &str, &str, &str); 4] = [
        (
            MAIN_ACCOUNT_ID + 10,
            MAIN_ACCOUNT_ID,
            "Headquarters",
            "HQ",
            "100",
        ),
        (
            MAIN_ACCOUNT_ID + 20,
            MAIN_ACCOUNT_ID,
            "North office",
            "NO",
            "200",
        ),
        (
            MAIN_ACCOUNT_ID + 30,
            MAIN_ACCOUNT_ID,
            "South office",
            "SO",
            "250",
        ),
        (
            FEDERATED_ACCOUNT_ID + 10,
            FEDERATED_ACCOUNT_ID,
            "Partner Main",
            "PM",
            "100",
        ),
    ];
    for (id, acc, name, code, num) in sites {
        tx.execute(
            "INSERT INTO sites(id, account_id, name, code, extension_number) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, acc, name, code, num],
        )?;
    }
    let main_sites = [
        MAIN_ACCOUNT_ID + 10,
        MAIN_ACCOUNT_ID + 20,
        MAIN_ACCOUNT_ID + 30,
    ];

    seed_users(
        tx,
        seed,
        MAIN_ACCOUNT_ID,
        users,
        &main_sites,
        created,
        S_USERS,
    )?;
    let fed_users = (users / 5).clamp(5, 2000);
    seed_users(
        tx,
        seed,
        FEDERATED_ACCOUNT_ID,
        fed_users,
        &[FEDERATED_ACCOUNT_ID + 10],
        created,
        S_FED,
    )?;

    // Company numbers: the main number rings the main IVR menu.
    let ivr_main = IVR_MAIN;
    let company_numbers = [
        (
            NUMBER_BASE + 900_000,
            Some(ivr_main),
            "+16505550100",
            "MainCompanyNumber",
            "VoiceFax",
            "CallerId",
        ),
        (
            NUMBER_BASE + 900_001,
            None,
            "+16505550199",
            "CompanyFaxNumber",
            "FaxOnly",
            "",
        ),
        (
            NUMBER_BASE + 900_002,
            None,
            "+18885550100",
            "AdditionalCompanyNumber",
            "VoiceOnly",
            "CallerId",
        ),
    ];
    for (id, ext, num, usage, kind, features) in company_numbers {
        insert_phone_number(
            tx,
            &PhoneNumber {
                id,
                account_id: MAIN_ACCOUNT_ID,
                extension_id: ext,
                phone_number: num.into(),
                usage_type: usage.into(),
                payment_type: if num.starts_with("+1888") {
                    "TollFree".into()
                } else {
                    "Local".into()
                },
                kind: kind.into(),
                features: features
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                label: None,
                status: "Normal".into(),
            },
        )?;
    }
    insert_phone_number(
        tx,
        &PhoneNumber {
            id: NUMBER_BASE + 900_010,
            account_id: FEDERATED_ACCOUNT_ID,
            extension_id: None,
            phone_number: "+14155550100".into(),
            usage_type: "MainCompanyNumber".into(),
            payment_type: "Local".into(),
            kind: "VoiceFax".into(),
            features: vec!["CallerId".into()],
            label: None,
            status: "Normal".into(),
        },
    )?;

    let people = referenced_people(tx)?;
    seed_queues_and_ivr(tx, seed, users, created, &people)?;
    seed_rules(tx, seed, users)?;
    seed_routing(tx, created, &people)?;
    seed_team_messaging(tx, seed, users, now_ms)?;
    seed_bridges(tx, seed, users)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn seed_users(
    tx: &Connection,
    seed: u64,
    account: i64,
    count: usize,
    sites: &[i64],
    created: i64,
    stream: u64,
) -> Result<()> {
    let domain = if account == MAIN_ACCOUNT_ID {
        MAIN_DOMAIN
    } else {
        FED_DOMAIN
    };
    let mut seen = std::collections::HashSet::with_capacity(count);
    for idx in 0..count {
        let mut rng = Rng::derive(seed, stream, idx as u64);
        let p = person(&mut rng);
        let admin = account == MAIN_ACCOUNT_ID && idx == 0;
        let local = format!("{}.{}", p.first, p.last).to_ascii_lowercase();
        let email = if admin {
            ADMIN_EMAIL.to_owned()
        } else if seen.insert(local.clone()) {
            format!("{local}@{domain}")
        } else {
            format!("{local}{idx}@{domain}")
        };
        let status = if admin {
            "Enabled"
        } else {
            let roll = rng.unit();
            if roll < 0.06 {
                "Disabled"
            } else if roll < 0.12 {
                "NotActivated"
            } else {
                "Enabled"
            }
        };
        let id = user_index_id(account, idx);
        let department = *rng.pick(DEPARTMENTS);
        let ext = Extension {
            id,
            account_id: account,
            number: (1001 + idx).to_string(),
            kind: "User".into(),
            status: status.into(),
            first_name: Some(p.first.into()),
            last_name: Some(p.last.into()),
            name: format!("{} {}", p.first, p.last),
            email: Some(email),
            department: Some(if admin { "Operations" } else { department }.into()),
            job_title: Some(
                if admin {
                    "IT Administrator"
                } else {
                    rng.pick(TITLES)
                }
                .to_string(),
            ),
            mobile: Some(format!("+1415{:07}", rng.below(10_000_000))),
            site_id: Some(sites[idx % sites.len()]),
            admin,
            created_ms: created + (idx as i64 % 300) * 86_400_000,
            version: 1,
            extra: ExtensionExtra {
                modified_ms: created + (idx as i64 % 300) * 86_400_000,
                ..Default::default()
            },
        };
        insert_extension(tx, &ext)?;
        let pn_id = if account == MAIN_ACCOUNT_ID {
            NUMBER_BASE + idx as i64
        } else {
            NUMBER_BASE + 500_000 + idx as i64
        };
        // Every third user, and always the administrator, may send SMS from the direct number.
        let sms = admin || idx % 3 == 1;
        let mut features = vec!["CallerId".to_owned()];
        if sms {
            features.extend(["SmsSender".to_owned(), "MmsSender".to_owned()]);
        }
        insert_phone_number(
            tx,
            &PhoneNumber {
                id: pn_id,
                account_id: account,
                extension_id: Some(id),
                phone_number: direct_number(account, idx),
                usage_type: "DirectNumber".into(),
                payment_type: "Local".into(),
                kind: "VoiceFax".into(),
                features,
                label: None,
                status: "Normal".into(),
            },
        )?;
        if account == MAIN_ACCOUNT_ID {
            let hard = idx % 2 == 0;
            insert_device(
                tx,
                &Device {
                    id: DEVICE_BASE + idx as i64,
                    account_id: account,
                    extension_id: Some(id),
                    name: if hard {
                        format!("{}'s desk phone", p.first)
                    } else {
                        format!("{}'s softphone", p.first)
                    },
                    kind: if hard {
                        "HardPhone".into()
                    } else {
                        "SoftPhone".into()
                    },
                    serial: format!("SN{:010}", rng.below(10_000_000_000)),
                    model: if hard {
                        "Polycom VVX 450".into()
                    } else {
                        "RingCentral Phone".into()
                    },
                    status: if rng.chance(0.7) {
                        "Online".into()
                    } else {
                        "Offline".into()
                    },
                    phone_number_id: Some(pn_id),
                },
            )?;
        }
    }
    Ok(())
}

/// Three enabled users other than the administrator (fewer in a tiny company, where the
/// administrator stands in), whom seeded call routing names: the first is named by the most, so
/// that deleting them leaves something behind in every kind of routing.
#[derive(Debug, Clone)]
struct Referenced {
    ids: [i64; 3],
    names: [String; 3],
}

impl Referenced {
    fn action(&self, input: &str, action: &str, who: usize) -> IvrAction {
        IvrAction {
            input: input.into(),
            action: action.into(),
            extension_id: Some(self.ids[who]),
            extension_name: Some(self.names[who].clone()),
            phone_number: None,
        }
    }

    fn direct_number(&self, who: usize) -> String {
        direct_number(MAIN_ACCOUNT_ID, (self.ids[who] - MAIN_USER_BASE) as usize)
    }
}

fn referenced_people(tx: &Connection) -> Result<Referenced> {
    let mut st = tx.prepare(
        "SELECT id, name FROM extensions WHERE account_id = ?1 AND type = 'User' AND admin = 0 \
         AND status = 'Enabled' ORDER BY id LIMIT 3",
    )?;
    let mut found: Vec<(i64, String)> = st
        .query_map([MAIN_ACCOUNT_ID], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if found.is_empty() {
        let admin = extension(tx, MAIN_USER_BASE)?
            .map(|e| e.name)
            .unwrap_or_default();
        found.push((MAIN_USER_BASE, admin));
    }
    let pick = |k: usize| found[k % found.len()].clone();
    let (a, b, c) = (pick(0), pick(1), pick(2));
    Ok(Referenced {
        ids: [a.0, b.0, c.0],
        names: [a.1, b.1, c.1],
    })
}

fn seed_queues_and_ivr(
    tx: &Connection,
    seed: u64,
    users: usize,
    created: i64,
    people: &Referenced,
) -> Result<()> {
    let queues = (users / 10).clamp(2, 400);
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO queue_members(queue_id, extension_id) VALUES (?1, ?2)",
    )?;
    for q in 0..queues {
        let mut rng = Rng::derive(seed, S_QUEUES, q as u64);
        let dept = DEPARTMENTS[q % DEPARTMENTS.len()];
        let name = if q < DEPARTMENTS.len() {
            format!("{dept} Queue")
        } else {
            format!("{dept} Queue {}", q / DEPARTMENTS.len() + 1)
        };
        let id = OTHER_EXT_BASE + 500 + q as i64;
        let mut queue = Extension::new(MAIN_ACCOUNT_ID, "Department", "Enabled", &name, created);
        queue.id = id;
        queue.number = (500 + q).to_string();
        queue.email = Some(format!(
            "{}-queue{}@{MAIN_DOMAIN}",
            dept.to_ascii_lowercase(),
            q + 1
        ));
        queue.department = Some(dept.into());
        queue.site_id = Some(MAIN_ACCOUNT_ID + 10);
        queue.extra.queue = Some(QueueInfo {
            sla_goal: 80,
            sla_threshold_seconds: 30,
            include_abandoned_calls: true,
            abandoned_threshold_seconds: 10,
        });
        insert_extension(tx, &queue)?;
        let members = 2 + rng.below(5) as usize;
        for _ in 0..members.min(users) {
            let idx = rng.below(users as u64) as usize;
            ins.execute(params![id, MAIN_USER_BASE + idx as i64])?;
        }
    }
    // A queue a single person answers: deleting them leaves it with no one.
    let mut escalations = Extension::new(
        MAIN_ACCOUNT_ID,
        "Department",
        "Enabled",
        "Escalations Queue",
        created,
    );
    escalations.id = ESCALATIONS_QUEUE;
    escalations.number = "490".into();
    escalations.email = Some(format!("escalations-queue@{MAIN_DOMAIN}"));
    escalations.department = Some("Support".into());
    escalations.site_id = Some(MAIN_ACCOUNT_ID + 10);
    escalations.extra.queue = Some(QueueInfo {
        sla_goal: 90,
        sla_threshold_seconds: 20,
        include_abandoned_calls: true,
        abandoned_threshold_seconds: 10,
    });
    insert_extension(tx, &escalations)?;
    ins.execute(params![ESCALATIONS_QUEUE, people.ids[0]])?;

    let queue_key = |input: &str, q: i64, name: &str| IvrAction {
        input: input.into(),
        action: "Connect".into(),
        extension_id: Some(OTHER_EXT_BASE + 500 + q),
        extension_name: Some(name.into()),
        phone_number: None,
    };
    let keyed = |input: &str, action: &str| IvrAction {
        input: input.into(),
        action: action.into(),
        ..Default::default()
    };
    let menus = [
        (
            "Main Menu",
            "Thank you for calling Sandbox Corp. For sales press 1, for support press 2, for the \
             front desk press 3, to leave a message for our account team press 4.",
            vec![
                queue_key("1", 0, "Sales Queue"),
                queue_key("2", 1, "Support Queue"),
                people.action("3", "Connect", 0),
                people.action("4", "Voicemail", 1),
                keyed("0", "ConnectToOperator"),
                keyed("Star", "Repeat"),
            ],
        ),
        (
            "After Hours Menu",
            "Our offices are closed. To leave a message press 1, for urgent support press 2.",
            vec![
                people.action("1", "Voicemail", 0),
                IvrAction {
                    input: "2".into(),
                    action: "Connect".into(),
                    extension_id: Some(ESCALATIONS_QUEUE),
                    extension_name: Some("Escalations Queue".into()),
                    phone_number: None,
                },
                people.action("3", "Connect", 2),
                keyed("Star", "Repeat"),
                keyed("NoInput", "Disconnect"),
            ],
        ),
    ];
    for (k, (name, prompt, actions)) in menus.into_iter().enumerate() {
        let mut menu = Extension::new(MAIN_ACCOUNT_ID, "IvrMenu", "Enabled", name, created);
        menu.id = IVR_MAIN + k as i64;
        menu.number = (300 + k).to_string();
        menu.site_id = Some(MAIN_ACCOUNT_ID + 10);
        menu.extra.ivr_prompt = Some(prompt.into());
        menu.extra.ivr_prompt_repeat_count = Some(2);
        menu.extra.ivr_actions = actions;
        insert_extension(tx, &menu)?;
    }
    Ok(())
}

/// Forwarding numbers (mobiles, and colleagues' direct numbers) and custom answering rules that
/// transfer to colleagues: the references an administrator must check before deleting a user.
fn seed_rules(tx: &Connection, seed: u64, users: usize) -> Result<()> {
    let mut fid = FORWARDING_BASE;
    for idx in 0..users {
        let mut rng = Rng::derive(seed, S_RULES, idx as u64);
        let id = MAIN_USER_BASE + idx as i64;
        if idx % 2 == 0 {
            fid += 1;
            save_forwarding_number(
                tx,
                &ForwardingNumber {
                    id: fid,
                    extension_id: id,
                    phone_number: format!("+1415{:07}", rng.below(10_000_000)),
                    label: "My Mobile".into(),
                    kind: "Mobile".into(),
                    features: vec!["CallFlip".into(), "CallForwarding".into()],
                    flip_number: Some(1),
                    target_extension_id: None,
                    device_id: None,
                },
            )?;
        }
        if users > 1 && idx % 7 == 3 {
            let target = (idx + 1 + rng.below(users as u64 - 1) as usize) % users;
            fid += 1;
            save_forwarding_number(
                tx,
                &ForwardingNumber {
                    id: fid,
                    extension_id: id,
                    phone_number: direct_number(MAIN_ACCOUNT_ID, target),
                    label: "Colleague".into(),
                    kind: "Other".into(),
                    features: vec!["CallForwarding".into()],
                    flip_number: None,
                    target_extension_id: Some(MAIN_USER_BASE + target as i64),
                    device_id: None,
                },
            )?;
        }
        if users > 1 && idx % 5 == 2 {
            let target = (idx + 1 + rng.below(users as u64 - 1) as usize) % users;
            let rule_id = format!("{}", 50_000_000 + idx);
            let rule = json!({
                "id": rule_id,
                "type": "Custom",
                "name": "Transfer VIP callers",
                "enabled": true,
                "callers": [{"callerId": format!("+1212555{:04}", rng.below(10_000)), "name": rng.pick(COMPANIES)}],
                "callHandlingAction": "TransferToExtension",
                "transfer": {"extension": {"id": (MAIN_USER_BASE + target as i64).to_string()}}
            });
            save_answering_rule(tx, id, &rule_id, &rule)?;
        }
    }
    Ok(())
}

/// Routing that names the people of [`Referenced`]: colleagues' answering rules and forwarding
/// numbers, company answering rules, paging-only groups, call monitoring groups and the
/// headquarters' site IVR settings.
fn seed_routing(tx: &Connection, created: i64, people: &Referenced) -> Result<()> {
    let [first, second, third] = people.ids;
    let save_rule = |owner: i64, rule: serde_json::Value| -> Result<()> {
        let id = rule["id"].as_str().unwrap_or_default().to_owned();
        save_answering_rule(tx, owner, &id, &rule)
    };

    // The second person forwards to the first one's direct number and sends business-hours
    // voicemail to them; the third transfers VIP callers to them, forwards everything to them
    // while on vacation and has after-hours messages taken by them.
    if second != first {
        let fid = FORWARDING_BASE - 1;
        save_forwarding_number(
            tx,
            &ForwardingNumber {
                id: fid,
                extension_id: second,
                phone_number: people.direct_number(0),
                label: format!("{} (desk)", people.names[0]),
                kind: "Other".into(),
                features: vec!["CallForwarding".into()],
                flip_number: None,
                target_extension_id: Some(first),
                device_id: None,
            },
        )?;
        let numbers = forwarding_numbers(tx, second)?;
        for (id, mut rule) in default_answering_rules(second, &numbers) {
            if id == BUSINESS_HOURS_RULE {
                rule["voicemail"]["recipient"]["id"] = json!(first.to_string());
                save_rule(second, rule)?;
            }
        }
    }
    if third != first {
        let base = PERSON_RULE_BASE;
        save_rule(
            third,
            json!({
                "id": (base + 1).to_string(),
                "type": "Custom",
                "name": "Out of office",
                "enabled": true,
                "callers": [{"callerId": "+12125550142", "name": "Acme Corp"}],
                "callHandlingAction": "TransferToExtension",
                "transfer": {"extension": {"id": first.to_string()}},
            }),
        )?;
        save_rule(
            third,
            json!({
                "id": (base + 2).to_string(),
                "type": "Custom",
                "name": "Vacation forwarding",
                "enabled": false,
                "schedule": {"ranges": [{"from": "2026-12-24T00:00:00Z", "to": "2027-01-02T00:00:00Z"}]},
                "callHandlingAction": "UnconditionalForwarding",
                "unconditionalForwarding": {"phoneNumber": people.direct_number(0)},
            }),
        )?;
        for (id, mut rule) in default_answering_rules(third, &forwarding_numbers(tx, third)?) {
            if id == AFTER_HOURS_RULE {
                rule["voicemail"]["recipient"]["id"] = json!(first.to_string());
                save_rule(third, rule)?;
            }
        }
    }

    // Company rules: the operator by day, the after-hours menu by night, and custom rules that
    // bypass the greeting to a person or to the main menu.
    let company = [
        json!({
            "id": BUSINESS_HOURS_RULE, "type": "BusinessHours", "enabled": true,
            "callHandlingAction": "Operator",
        }),
        json!({
            "id": AFTER_HOURS_RULE, "type": "AfterHours", "enabled": true,
            "callHandlingAction": "Bypass", "extension": {"id": IVR_AFTER_HOURS.to_string()},
        }),
        json!({
            "id": (COMPANY_RULE_BASE + 1).to_string(), "type": "Custom", "name": "Key accounts",
            "enabled": true,
            "callers": [{"callerId": "+12125550100", "name": "Globex"}],
            "calledNumbers": [{"id": (NUMBER_BASE + 900_000).to_string(), "phoneNumber": "+16505550100"}],
            "callHandlingAction": "Bypass", "extension": {"id": first.to_string()},
        }),
        json!({
            "id": (COMPANY_RULE_BASE + 2).to_string(), "type": "Custom", "name": "Holiday desk",
            "enabled": true,
            "schedule": {"ranges": [{"from": "2026-12-24T00:00:00Z", "to": "2026-12-27T00:00:00Z"}]},
            "callHandlingAction": "Bypass", "extension": {"id": second.to_string()},
        }),
        json!({
            "id": (COMPANY_RULE_BASE + 3).to_string(), "type": "Custom", "name": "Toll-free line",
            "enabled": true,
            "calledNumbers": [{"id": (NUMBER_BASE + 900_002).to_string(), "phoneNumber": "+18885550100"}],
            "callHandlingAction": "Bypass", "extension": {"id": IVR_MAIN.to_string()},
        }),
    ];
    for rule in company {
        save_rule(MAIN_ACCOUNT_ID, rule)?;
    }

    // Paging-only groups, paged by people and ringing the first desk phones of the company.
    let desk_phones: Vec<i64> = tx
        .prepare(
            "SELECT id FROM devices WHERE account_id = ?1 AND type = 'HardPhone' ORDER BY id LIMIT 3",
        )?
        .query_map([MAIN_ACCOUNT_ID], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let groups: [(&str, &[i64], &[i64]); 2] = [
        (
            "Warehouse Paging",
            &[first, third],
            desk_phones.get(..2).unwrap_or(&desk_phones),
        ),
        (
            "Front Desk Paging",
            &[second],
            desk_phones.get(2..).unwrap_or_default(),
        ),
    ];
    for (k, (name, users, devices)) in groups.into_iter().enumerate() {
        let mut group = Extension::new(MAIN_ACCOUNT_ID, "PagingOnly", "Enabled", name, created);
        group.id = PAGING_BASE + k as i64;
        group.number = (400 + k).to_string();
        group.site_id = Some(MAIN_ACCOUNT_ID + 10);
        insert_extension(tx, &group)?;
        for u in users {
            add_paging_member(tx, group.id, PAGING_USER, *u)?;
        }
        for d in devices {
            add_paging_member(tx, group.id, PAGING_DEVICE, *d)?;
        }
    }

    // Call monitoring: the first person supervises the support queue's agents; the second
    // coaches the first and the third.
    let support_agents: Vec<i64> = tx
        .prepare(
            "SELECT extension_id FROM queue_members WHERE queue_id = ?1 ORDER BY extension_id",
        )?
        .query_map([OTHER_EXT_BASE + 501], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let supervisors = MonitoringGroup {
        id: MONITORING_BASE + 1,
        account_id: MAIN_ACCOUNT_ID,
        name: "Support Supervisors".into(),
        site_id: Some(MAIN_ACCOUNT_ID + 10),
    };
    save_monitoring_group(tx, &supervisors)?;
    for agent in support_agents.iter().filter(|a| **a != first) {
        set_monitoring_member(tx, supervisors.id, *agent, false, true)?;
    }
    set_monitoring_member(tx, supervisors.id, first, true, false)?;
    let coaching = MonitoringGroup {
        id: MONITORING_BASE + 2,
        account_id: MAIN_ACCOUNT_ID,
        name: "Sales Coaching".into(),
        site_id: None,
    };
    save_monitoring_group(tx, &coaching)?;
    set_monitoring_member(tx, coaching.id, first, false, true)?;
    set_monitoring_member(tx, coaching.id, third, false, true)?;
    set_monitoring_member(tx, coaching.id, second, true, false)?;

    // Headquarters: the main menu first; 0 reaches the first person from any menu.
    save_site_ivr(
        tx,
        MAIN_ACCOUNT_ID + 10,
        &SiteIvr {
            top_menu_id: Some(IVR_MAIN),
            prompt_repeat_count: 2,
            actions: vec![
                people.action("0", "Connect", 0),
                IvrAction {
                    input: "Star".into(),
                    action: "Repeat".into(),
                    ..Default::default()
                },
            ],
        },
    )
}

fn seed_team_messaging(tx: &Connection, seed: u64, users: usize, now_ms: i64) -> Result<()> {
    let mut rng = Rng::derive(seed, S_CHATS, 0);
    let user = |i: usize| MAIN_USER_BASE + (i % users) as i64;
    let mut seq = 1i64;
    let hour = 3_600_000;
    let everyone = Chat {
        id: "1000001".into(),
        kind: "Everyone".into(),
        public: true,
        name: Some("All Sandbox Corp".into()),
        description: Some("Company-wide announcements".into()),
        status: "Active".into(),
        created_ms: now_ms - 300 * 24 * hour,
        modified_ms: now_ms - 2 * hour,
        creator_id: None,
        members: vec![],
    };
    save_chat(tx, &everyone, seq)?;
    let mut chats = vec![everyone.id.clone()];
    let teams = (users / 8).clamp(2, 40);
    for t in 0..teams {
        seq += 1;
        let dept = DEPARTMENTS[t % DEPARTMENTS.len()];
        let size = (3 + rng.below(6) as usize).min(users);
        let mut members: Vec<i64> = (0..size)
            .map(|_| user(rng.below(users as u64) as usize))
            .collect();
        members.push(user(0));
        members.sort_unstable();
        members.dedup();
        let chat = Chat {
            id: (1_000_100 + t).to_string(),
            kind: "Team".into(),
            public: t % 3 != 2,
            name: Some(if t < DEPARTMENTS.len() {
                format!("{dept} Team")
            } else {
                format!("{dept} Project {}", t)
            }),
            description: Some(format!(
                "Where the {} team works",
                dept.to_ascii_lowercase()
            )),
            status: if t % 11 == 10 {
                "Archived".into()
            } else {
                "Active".into()
            },
            created_ms: now_ms - (200 - t as i64) * 24 * hour,
            modified_ms: now_ms - (t as i64 + 1) * hour,
            creator_id: None,
            members,
        };
        save_chat(tx, &chat, seq)?;
        chats.push(chat.id.clone());
    }
    // Direct chats of the administrator, and a personal chat.
    for d in 1..users.min(6) {
        seq += 1;
        let chat = Chat {
            id: (1_000_500 + d).to_string(),
            kind: "Direct".into(),
            public: false,
            name: None,
            description: None,
            status: "Active".into(),
            created_ms: now_ms - 30 * 24 * hour,
            modified_ms: now_ms - d as i64 * hour,
            creator_id: None,
            members: vec![user(0), user(d)],
        };
        save_chat(tx, &chat, seq)?;
        chats.push(chat.id.clone());
    }
    seq += 1;
    save_chat(
        tx,
        &Chat {
            id: "1000900".into(),
            kind: "Personal".into(),
            public: false,
            name: None,
            description: None,
            status: "Active".into(),
            created_ms: now_ms - 300 * 24 * hour,
            modified_ms: now_ms - 300 * 24 * hour,
            creator_id: None,
            members: vec![user(0)],
        },
        seq,
    )?;
    let mut post_seq = 0i64;
    for (c, chat_id) in chats.iter().enumerate() {
        let posts = 3 + rng.below(6);
        for p in 0..posts {
            post_seq += 1;
            let created = now_ms - ((posts - p) as i64 * 5 + c as i64) * 60_000 - hour;
            save_post(
                tx,
                &Post {
                    id: (2_000_000 + post_seq).to_string(),
                    chat_id: chat_id.clone(),
                    creator_id: user(rng.below(users as u64) as usize),
                    text: rng.pick(SMS_TEXTS).to_string(),
                    parent_post_id: None,
                    created_ms: created,
                    modified_ms: created,
                    kind: "TextMessage".into(),
                    added_person_ids: Vec::new(),
                },
                post_seq,
            )?;
        }
        if c > 0 && c % 2 == 1 {
            post_seq += 1;
            save_task(
                tx,
                &Task {
                    id: (3_000_000 + post_seq).to_string(),
                    chat_id: chat_id.clone(),
                    creator_id: user(0),
                    subject: "Review the quarterly numbers".into(),
                    assignees: vec![user(c)],
                    status: if c % 4 == 1 {
                        "Pending".into()
                    } else {
                        "Completed".into()
                    },
                    created_ms: now_ms - 2 * 24 * hour,
                    modified_ms: now_ms - hour,
                    due_ms: Some(now_ms + 3 * 24 * hour),
                    completeness_condition: "Simple".into(),
                    completeness_percentage: None,
                    completed_by: Vec::new(),
                    start_ms: None,
                    color: None,
                    section: None,
                    description: None,
                    recurrence: None,
                    attachments: Vec::new(),
                },
                post_seq,
            )?;
        }
    }
    Ok(())
}

fn seed_bridges(tx: &Connection, seed: u64, users: usize) -> Result<()> {
    for idx in 0..users.min(200) {
        let mut rng = Rng::derive(seed, S_RULES + 100, idx as u64);
        let ext = MAIN_USER_BASE + idx as i64;
        let id = format!("{:09}", 100_000_000 + idx as u64 * 7919 % 900_000_000);
        let bridge = bridge_json(&id, "PMI", "Personal meeting room", ext, &mut rng);
        save_bridge(tx, MAIN_ACCOUNT_ID, ext, &id, &bridge)?;
    }
    Ok(())
}

/// A video bridge as `BridgeResponse` (host and links filled in when rendered).
pub(crate) fn bridge_json(
    id: &str,
    kind: &str,
    name: &str,
    ext: i64,
    rng: &mut Rng,
) -> serde_json::Value {
    json!({
        "id": id,
        "name": name,
        "type": kind,
        "host": {"accountId": MAIN_ACCOUNT_ID.to_string(), "extensionId": ext.to_string()},
        "pins": {
            "pstn": {"host": format!("{:010}", rng.below(10_000_000_000)), "participant": format!("{:010}", rng.below(10_000_000_000))},
            "web": id,
        },
        "security": {"passwordProtected": false, "noGuests": false, "sameAccount": false, "e2ee": false},
        "preferences": {
            "join": {"audioMuted": false, "videoMuted": false, "waitingRoomRequired": "Nobody"},
            "playTones": "Off",
            "musicOnHold": true,
            "joinBeforeHost": true,
            "screenSharing": true,
            "recordingsMode": "User",
            "transcriptionsMode": "User",
        },
    })
}

/// Seeds one kind of an extension's lazily derived data.
pub(crate) fn seed_lazy(
    tx: &Connection,
    meta: &Meta,
    extension_id: i64,
    kind: &str,
    now_ms: i64,
) -> Result<()> {
    let Some(idx) = seeded_index(meta, extension_id) else {
        return Ok(());
    };
    let Some(me) = extension(tx, extension_id)? else {
        return Ok(());
    };
    let users = meta.users;
    let colleague = |rng: &mut Rng| rng.below(users as u64) as usize;
    let my_number = direct_number(MAIN_ACCOUNT_ID, idx);
    let me_party = Party {
        phone_number: Some(my_number.clone()),
        extension_number: Some(me.number.clone()),
        extension_id: Some(me.id.to_string()),
        name: Some(me.name.clone()),
        location: None,
    };
    let minute = 60_000;
    match kind {
        "messages" => {
            let mut rng = Rng::derive(meta.seed, S_MESSAGES, idx as u64);
            let count = 6 + rng.below(10) as i64;
            for j in 0..count {
                let id = MESSAGE_BASE + idx as i64 * 100 + j;
                // Most messages are recent (the default listing covers 24 hours), some are older.
                let age = if j % 4 == 3 {
                    (1 + rng.below(30)) as i64 * 1440
                } else {
                    rng.below(20 * 60) as i64
                };
                let created = now_ms - age * minute - j;
                let external = format!("+1212555{:04}", rng.below(10_000));
                let inbound = rng.chance(0.6);
                let kind = match j % 5 {
                    0..=2 => "SMS",
                    3 => "VoiceMail",
                    _ => "Fax",
                };
                let other = Party {
                    phone_number: Some(external.clone()),
                    name: Some(rng.pick(COMPANIES).to_string()),
                    location: Some("New York, NY".into()),
                    ..Default::default()
                };
                let (from, to) = if inbound || kind == "VoiceMail" {
                    (other, vec![me_party.clone()])
                } else {
                    (me_party.clone(), vec![other])
                };
                let direction = if inbound || kind == "VoiceMail" {
                    "Inbound"
                } else {
                    "Outbound"
                };
                let mut m = Message {
                    id,
                    extension_id,
                    kind: kind.into(),
                    direction: direction.into(),
                    read_status: if rng.chance(0.5) {
                        "Read".into()
                    } else {
                        "Unread".into()
                    },
                    availability: "Alive".into(),
                    message_status: if direction == "Inbound" {
                        "Received".into()
                    } else {
                        "Delivered".into()
                    },
                    priority: "Normal".into(),
                    conversation_id: 5_000_000_000 + idx as i64 * 100 + rng.below(3) as i64,
                    created_ms: created,
                    modified_ms: created,
                    from,
                    to,
                    subject: None,
                    attachments: vec![],
                    fax_page_count: None,
                    fax_resolution: None,
                    cover_index: None,
                    cover_page_text: None,
                    sent_ms: None,
                };
                match kind {
                    "SMS" => {
                        let text = rng.pick(SMS_TEXTS).to_string();
                        m.subject = Some(text.clone());
                        m.attachments.push(Attachment {
                            id: id * 10,
                            kind: "Text".into(),
                            content_type: "text/plain".into(),
                            file_name: None,
                            vm_duration: None,
                            content: text,
                            data: None,
                        });
                    }
                    "VoiceMail" => {
                        let secs = 5 + rng.below(90) as i32;
                        m.subject = Some(format!(
                            "Voice message from {}",
                            m.from.name.clone().unwrap_or_default()
                        ));
                        m.attachments.push(Attachment {
                            id: id * 10,
                            kind: "AudioRecording".into(),
                            content_type: "audio/wav".into(),
                            file_name: Some(format!("voicemail-{id}.wav")),
                            vm_duration: Some(secs),
                            content: format!("voicemail {id}"),
                            data: None,
                        });
                        m.attachments.push(Attachment {
                            id: id * 10 + 1,
                            kind: "AudioTranscription".into(),
                            content_type: "text/plain".into(),
                            file_name: None,
                            vm_duration: None,
                            content: "Hi, please call me back about the proposal.".into(),
                            data: None,
                        });
                    }
                    _ => {
                        let pages = 1 + rng.below(4) as i32;
                        m.subject = Some("Signed contract".into());
                        m.fax_page_count = Some(pages);
                        m.fax_resolution = Some("High".into());
                        m.attachments.push(Attachment {
                            id: id * 10,
                            kind: "RenderedDocument".into(),
                            content_type: "application/pdf".into(),
                            file_name: Some(format!("fax-{id}.pdf")),
                            vm_duration: None,
                            content: format!("Fax {id}: signed contract, {pages} page(s)"),
                            data: None,
                        });
                    }
                }
                save_message(tx, &m)?;
            }
        }
        "calls" => {
            let mut rng = Rng::derive(meta.seed, S_CALLS, idx as u64);
            let count = 5 + rng.below(10) as i64;
            for j in 0..count + 1 {
                let n = CALL_BASE + idx as i64 * 100 + j;
                // The last record is an active call for every fourth user.
                let active = j == count;
                if active && idx % 4 != 0 {
                    continue;
                }
                let age = if active {
                    1 + rng.below(5) as i64
                } else if j % 3 == 2 {
                    (1 + rng.below(20)) as i64 * 1440
                } else {
                    rng.below(20 * 60) as i64
                };
                let start = now_ms - age * minute;
                let inbound = rng.chance(0.5);
                let internal = rng.chance(0.3);
                let other = if internal {
                    let c = colleague(&mut rng);
                    Party {
                        phone_number: Some(direct_number(MAIN_ACCOUNT_ID, c)),
                        extension_number: Some((1001 + c).to_string()),
                        extension_id: Some((MAIN_USER_BASE + c as i64).to_string()),
                        name: None,
                        location: None,
                    }
                } else {
                    Party {
                        phone_number: Some(format!("+1212555{:04}", rng.below(10_000))),
                        name: Some(rng.pick(COMPANIES).to_string()),
                        location: Some("New York, NY".into()),
                        ..Default::default()
                    }
                };
                let (from, to) = if inbound {
                    (other, me_party.clone())
                } else {
                    (me_party.clone(), other)
                };
                let result = if active {
                    "In Progress"
                } else if inbound && rng.chance(0.25) {
                    "Missed"
                } else if inbound && rng.chance(0.1) {
                    "Voicemail"
                } else {
                    "Accepted"
                };
                let fax = !active && j % 9 == 8;
                let rec = CallRecord {
                    id: format!("C{n:X}"),
                    session_id: (40_000_000_000 + n % 10_000_000_000).to_string(),
                    telephony_session_id: format!("s-{n:x}"),
                    extension_id,
                    start_ms: start,
                    duration_s: if result == "Missed" {
                        0
                    } else if active {
                        age * 60
                    } else {
                        10 + rng.below(1200) as i64
                    },
                    kind: if fax { "Fax".into() } else { "Voice".into() },
                    direction: if inbound {
                        "Inbound".into()
                    } else {
                        "Outbound".into()
                    },
                    action: if fax {
                        if inbound {
                            "Incoming Fax".into()
                        } else {
                            "Outgoing Fax".into()
                        }
                    } else if inbound {
                        "Phone Call".into()
                    } else {
                        "VoIP Call".into()
                    },
                    result: if fax {
                        if inbound {
                            "Received".into()
                        } else {
                            "Sent".into()
                        }
                    } else {
                        result.into()
                    },
                    reason: None,
                    transport: if internal {
                        "VoIP".into()
                    } else {
                        "PSTN".into()
                    },
                    from,
                    to,
                    active,
                    recording_id: (!active && !fax && j % 6 == 0)
                        .then(|| (6_000_000_000 + n % 1_000_000_000).to_string()),
                };
                save_call(tx, &rec)?;
            }
        }
        "contacts" => {
            let mut rng = Rng::derive(meta.seed, S_CONTACTS, idx as u64);
            let count = 3 + rng.below(8) as i64;
            for j in 0..count {
                let p = person(&mut rng);
                let company = rng.pick(COMPANIES).to_string();
                let domain: String = company
                    .to_ascii_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                let mut fields = serde_json::Map::new();
                fields.insert("firstName".into(), p.first.into());
                fields.insert("lastName".into(), p.last.into());
                fields.insert("company".into(), company.clone().into());
                fields.insert("jobTitle".into(), rng.pick(TITLES).to_string().into());
                fields.insert(
                    "email".into(),
                    format!("{}.{}@{domain}.example.com", p.first, p.last)
                        .to_ascii_lowercase()
                        .into(),
                );
                fields.insert(
                    "businessPhone".into(),
                    format!("+1212555{:04}", rng.below(10_000)).into(),
                );
                if rng.chance(0.5) {
                    fields.insert(
                        "mobilePhone".into(),
                        format!("+1917555{:04}", rng.below(10_000)).into(),
                    );
                }
                fields.insert("businessAddress".into(), json!({"street": format!("{} Main St", 1 + rng.below(900)), "city": "New York", "state": "NY", "zip": "10001", "country": "US"}));
                save_contact(
                    tx,
                    &Contact {
                        id: CONTACT_BASE + idx as i64 * 100 + j,
                        extension_id,
                        fields,
                    },
                )?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The seeding the store is opened with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Company;

impl Seeder for Company {
    fn company(&self, tx: &Connection, seed: u64, users: usize, now_ms: i64) -> Result<()> {
        seed_company(tx, seed, users, now_ms)
    }

    fn lazy(
        &self,
        tx: &Connection,
        meta: &Meta,
        extension_id: i64,
        kind: &str,
        now_ms: i64,
    ) -> Result<()> {
        seed_lazy(tx, meta, extension_id, kind, now_ms)
    }

    fn call_owner(&self, meta: &Meta, id: &str) -> Option<i64> {
        seeded_call_owner(meta, id)
    }
}
