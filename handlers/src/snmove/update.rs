//! The database side of a move: every change of every node in ONE
//! transaction (`Db::write`), so all nodes move or none — also when the
//! daemon dies or the connection drops midway.

use super::failpoint;
use super::messages as msg;
use super::model::{NodeMove, World};
use crate::api::HandlerError;
use xcat_schema::db::Db;

type Item = (Vec<(String, String)>, Vec<(String, Option<String>)>);

/// noderes items: servicenode and xcatmaster always (as stock's setobjdefs),
/// the other columns only when they change.
fn noderes_items(moves: &[NodeMove]) -> Vec<Item> {
    moves
        .iter()
        .map(|m| {
            let values = m
                .columns
                .iter()
                .filter(|c| c.table == "noderes")
                .filter(|c| c.column == "servicenode" || c.column == "xcatmaster" || c.changed())
                .filter_map(|c| Some((c.column.to_string(), Some(c.new.clone()?))))
                .collect();
            (vec![("node".to_string(), m.node.clone())], values)
        })
        .collect()
}

fn nodehm_items(moves: &[NodeMove]) -> Vec<Item> {
    moves
        .iter()
        .filter(|m| m.conserver_changed())
        .map(|m| {
            let v = m.column("conserver").and_then(|c| c.new.clone());
            (
                vec![("node".to_string(), m.node.clone())],
                vec![("conserver".to_string(), v)],
            )
        })
        .collect()
}

/// Node-keyed statelite rows (stock wrote only statemnt; the image and mount
/// options of the source row are copied so a new row is usable).  With
/// `sharedinstall=sns` the comments and disable flag are copied too, as
/// stock's sfsSLconfig did (xCAT-server/lib/xcat/plugins/snmove.pm:2212).
fn statelite_items(moves: &[NodeMove], world: &World) -> Vec<Item> {
    let sns = world.site.sharedinstall == "sns";
    let mut items = Vec::new();
    for m in moves {
        for (statemnt, idx) in &m.statelite {
            let Some(row) = world.statelite.get(*idx) else {
                continue;
            };
            let mut values = vec![("statemnt".to_string(), Some(statemnt.clone()))];
            if row.node != m.node {
                values.push(("image".to_string(), row.image.clone()));
                values.push(("mntopts".to_string(), row.mntopts.clone()));
                if sns {
                    values.push(("comments".to_string(), row.comments.clone()));
                    values.push(("disable".to_string(), row.disable.clone()));
                }
            }
            items.push((vec![("node".to_string(), m.node.clone())], values));
        }
    }
    items
}

/// Write the whole move in one transaction.
pub fn apply(db: &Db, moves: &[NodeMove], world: &World) -> Result<(), HandlerError> {
    let statelite = statelite_items(moves, world);
    let noderes = noderes_items(moves);
    let nodehm = nodehm_items(moves);
    db.write(|conn| -> Result<(), HandlerError> {
        if !statelite.is_empty() {
            conn.set_attribs_many("statelite", &statelite)?;
        }
        conn.set_attribs_many("noderes", &noderes)?;
        failpoint::check()?;
        if !nodehm.is_empty() {
            conn.set_attribs_many("nodehm", &nodehm)?;
        }
        Ok(())
    })
    .map_err(|e| match e {
        HandlerError::Db(e) => HandlerError::Message(format!("{}{e}\n", msg::UPDATE_FAILED)),
        other => other,
    })
}
