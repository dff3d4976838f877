//! Call routing that names users from elsewhere in the account: paging-only group members, call
//! monitoring groups, IVR key actions, site IVR settings, company answering rules and a user's set
//! of call queues. An administrator reads all of it before deleting a user.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::extensions::{Device, EXT_COLUMNS, ext_from_row, finish};
use super::{Extension, Store, from_json, to_json};
use crate::error::Result;

/// One key of an IVR menu (or of a site's IVR settings): what pressing `input` does, and the
/// extension or number it reaches. The extension's name is kept as it was when the key was set,
/// so a key whose extension was deleted still reads as it did, as on RingCentral.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvrAction {
    pub input: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// The IVR settings of a site: its top menu and the keys that work from every menu of the site.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteIvr {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_menu_id: Option<i64>,
    pub prompt_repeat_count: i64,
    #[serde(default)]
    pub actions: Vec<IvrAction>,
}

/// A call monitoring group.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringGroup {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub site_id: Option<i64>,
}

/// A member of a call monitoring group and what it may do there.
#[derive(Debug, Clone)]
pub struct MonitoringMember {
    pub extension: Extension,
    pub monitoring: bool,
    pub monitored: bool,
}

/// Who may page a paging-only group (`User`) and which desk phones ring (`Device`).
pub const PAGING_USER: &str = "User";
pub const PAGING_DEVICE: &str = "Device";

/// Changes to a paging-only group's users and devices, all applied or none.
#[derive(Debug, Default)]
pub struct PagingChange {
    pub add_users: Vec<i64>,
    pub remove_users: Vec<i64>,
    pub add_devices: Vec<i64>,
    pub remove_devices: Vec<i64>,
}

/// A change of a call monitoring group's members: `(extension, monitoring, monitored)` for added and
/// updated members.
#[derive(Debug, Default)]
pub struct MonitoringChange {
    pub add: Vec<(i64, bool, bool)>,
    pub update: Vec<(i64, bool, bool)>,
    pub remove: Vec<i64>,
}

impl Store {
    /// Users allowed to page a paging-only group, in extension-number order.
    pub fn paging_users(&self, group_id: i64) -> Result<Vec<Extension>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {EXT_COLUMNS} FROM extensions WHERE id IN (SELECT member_id FROM paging_members WHERE group_id = ?1 AND kind = ?2) ORDER BY length(number), number"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(params![group_id, PAGING_USER], ext_from_row)?;
            let mut out = Vec::new();
            for r in rows {
                out.push(finish(r?)?);
            }
            Ok(out)
        })
    }

    /// Devices that ring when a paging-only group is paged, by id.
    pub fn paging_devices(&self, group_id: i64) -> Result<Vec<Device>> {
        let ids: Vec<i64> = self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT member_id FROM paging_members WHERE group_id = ?1 AND kind = ?2 ORDER BY member_id",
            )?;
            let rows = st.query_map(params![group_id, PAGING_DEVICE], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })?;
        let mut out = Vec::new();
        for id in ids {
            if let Some(d) = self.device(id)? {
                out.push(d);
            }
        }
        Ok(out)
    }

    pub fn change_paging_members(&self, group_id: i64, change: &PagingChange) -> Result<()> {
        self.write(|tx| {
            for (kind, add, remove) in [
                (PAGING_USER, &change.add_users, &change.remove_users),
                (PAGING_DEVICE, &change.add_devices, &change.remove_devices),
            ] {
                for id in add {
                    add_paging_member(tx, group_id, kind, *id)?;
                }
                for id in remove {
                    tx.execute(
                        "DELETE FROM paging_members WHERE group_id = ?1 AND kind = ?2 AND member_id = ?3",
                        params![group_id, kind, id],
                    )?;
                }
            }
            Ok(())
        })
    }

    pub fn monitoring_groups(&self, account_id: i64) -> Result<Vec<MonitoringGroup>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, account_id, name, site_id FROM monitoring_groups WHERE account_id = ?1 ORDER BY id",
            )?;
            let rows = st.query_map([account_id], monitoring_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn monitoring_group(&self, id: i64) -> Result<Option<MonitoringGroup>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT id, account_id, name, site_id FROM monitoring_groups WHERE id = ?1",
            )?
            .query_row([id], monitoring_from_row)
            .optional()?)
        })
    }

    /// Inserts (id 0 gets a fresh id) or replaces a call monitoring group.
    pub fn save_monitoring_group(&self, g: &MonitoringGroup) -> Result<MonitoringGroup> {
        self.write(|tx| {
            let mut g = g.clone();
            if g.id == 0 {
                g.id = Store::next_id(tx)?;
            }
            save_monitoring_group(tx, &g)?;
            Ok(g)
        })
    }

    /// Deletes a call monitoring group and its memberships; false when there was none.
    pub fn delete_monitoring_group(&self, id: i64) -> Result<bool> {
        self.write(|tx| {
            tx.execute("DELETE FROM monitoring_members WHERE group_id = ?1", [id])?;
            Ok(tx.execute("DELETE FROM monitoring_groups WHERE id = ?1", [id])? > 0)
        })
    }

    /// Members of a call monitoring group, in extension-number order.
    pub fn monitoring_members(&self, group_id: i64) -> Result<Vec<MonitoringMember>> {
        self.read(|c| {
            let sql = format!(
                "SELECT {EXT_COLUMNS}, m.monitoring, m.monitored FROM monitoring_members m JOIN extensions ON extensions.id = m.extension_id WHERE m.group_id = ?1 ORDER BY length(number), number"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map([group_id], |r| {
                let pair = ext_from_row(r)?;
                let n = r.as_ref().column_count();
                Ok((pair, r.get::<_, bool>(n - 2)?, r.get::<_, bool>(n - 1)?))
            })?;
            let mut out = Vec::new();
            for r in rows {
                let (pair, monitoring, monitored) = r?;
                out.push(MonitoringMember {
                    extension: finish(pair)?,
                    monitoring,
                    monitored,
                });
            }
            Ok(out)
        })
    }

    /// Call monitoring groups `extension_id` belongs to.
    pub fn monitoring_groups_of(&self, extension_id: i64) -> Result<Vec<i64>> {
        self.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT group_id FROM monitoring_members WHERE extension_id = ?1 ORDER BY group_id",
            )?;
            let rows = st.query_map([extension_id], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn change_monitoring_members(
        &self,
        group_id: i64,
        change: &MonitoringChange,
    ) -> Result<()> {
        self.write(|tx| {
            for (id, monitoring, monitored) in change.add.iter().chain(&change.update) {
                set_monitoring_member(tx, group_id, *id, *monitoring, *monitored)?;
            }
            for id in &change.remove {
                tx.execute(
                    "DELETE FROM monitoring_members WHERE group_id = ?1 AND extension_id = ?2",
                    params![group_id, id],
                )?;
            }
            Ok(())
        })
    }

    /// Makes `queues` exactly the call queues `extension_id` is a member of.
    pub fn set_user_queues(&self, extension_id: i64, queues: &[i64]) -> Result<()> {
        self.write(|tx| {
            let before: Vec<i64> = {
                let mut st = tx
                    .prepare_cached("SELECT queue_id FROM queue_members WHERE extension_id = ?1")?;
                let rows = st.query_map([extension_id], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            tx.execute(
                "DELETE FROM queue_members WHERE extension_id = ?1",
                [extension_id],
            )?;
            for q in queues {
                tx.execute(
                    "INSERT OR IGNORE INTO queue_members(queue_id, extension_id) VALUES (?1, ?2)",
                    params![q, extension_id],
                )?;
            }
            // Every queue whose membership changed gets a new version, as with bulk-assign.
            for q in before.iter().chain(queues) {
                tx.execute(
                    "UPDATE extensions SET version = version + 1 WHERE id = ?1",
                    [q],
                )?;
            }
            Ok(())
        })
    }

    /// The IVR settings of a site, once set or seeded.
    pub fn site_ivr(&self, site_id: i64) -> Result<Option<SiteIvr>> {
        self.read(|c| {
            let text: Option<String> = c
                .prepare_cached("SELECT data FROM site_ivr WHERE site_id = ?1")?
                .query_row([site_id], |r| r.get(0))
                .optional()?;
            text.map(|t| from_json("site IVR settings", &t)).transpose()
        })
    }

    pub fn save_site_ivr(&self, site_id: i64, ivr: &SiteIvr) -> Result<()> {
        self.write(|tx| save_site_ivr(tx, site_id, ivr))
    }
}

fn monitoring_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<MonitoringGroup> {
    Ok(MonitoringGroup {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        site_id: r.get(3)?,
    })
}

pub(crate) fn add_paging_member(c: &Connection, group_id: i64, kind: &str, id: i64) -> Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO paging_members(group_id, kind, member_id) VALUES (?1, ?2, ?3)",
        params![group_id, kind, id],
    )?;
    Ok(())
}

pub(crate) fn save_monitoring_group(c: &Connection, g: &MonitoringGroup) -> Result<()> {
    c.execute(
        "INSERT OR REPLACE INTO monitoring_groups(id, account_id, name, site_id) VALUES (?1, ?2, ?3, ?4)",
        params![g.id, g.account_id, g.name, g.site_id],
    )?;
    Ok(())
}

pub(crate) fn set_monitoring_member(
    c: &Connection,
    group_id: i64,
    extension_id: i64,
    monitoring: bool,
    monitored: bool,
) -> Result<()> {
    c.execute(
        "INSERT OR REPLACE INTO monitoring_members(group_id, extension_id, monitoring, monitored) VALUES (?1, ?2, ?3, ?4)",
        params![group_id, extension_id, monitoring, monitored],
    )?;
    Ok(())
}

pub(crate) fn save_site_ivr(c: &Connection, site_id: i64, ivr: &SiteIvr) -> Result<()> {
    c.execute(
        "INSERT OR REPLACE INTO site_ivr(site_id, data) VALUES (?1, ?2)",
        params![site_id, to_json(ivr)],
    )?;
    Ok(())
}
