//! What the management node hands each service node's part besides the
//! node list: nimprime's facts about the image resources (stock `lochash`
//! and `nimhash`, aixinstall.pm:8837-8889), carried in the forwarded request
//! as `<xcatdrs_nimres>` elements (name, location, `attr=value` words), and
//! the messages the management node's preprocess produced (sent by a local
//! part, as stock sent them from `preprocess_request` before the split).
//! Everything else the service node reads from the database itself.

use crate::nim::model::Resources;
use xcat_proto::tree::{Map, MapExt, Value};
use xcat_proto::{Request, Response};

const NIMRES: &str = "xcatdrs_nimres";
const REPLAY: &str = "xcatdrs_replay";

/// Put `res` into `req`.
pub fn put_resources(req: &mut Request, res: &Resources) {
    let mut values = Vec::new();
    for (name, loc) in &res.locations {
        let mut m = Map::new();
        m.set("name", name.as_str());
        m.set("location", loc.as_str());
        for (k, v) in res.attrs.get(name).into_iter().flatten() {
            m.push("attr", format!("{k}={v}"));
        }
        values.push(Value::Map(m));
    }
    for (name, attrs) in &res.attrs {
        if res.locations.contains_key(name) {
            continue;
        }
        let mut m = Map::new();
        m.set("name", name.as_str());
        for (k, v) in attrs {
            m.push("attr", format!("{k}={v}"));
        }
        values.push(Value::Map(m));
    }
    req.map.insert(NIMRES.to_string(), values);
}

/// The resources carried in `req` (none: empty).
pub fn resources(req: &Request) -> Resources {
    let mut res = Resources::default();
    for m in req
        .map
        .get(NIMRES)
        .into_iter()
        .flatten()
        .filter_map(Value::as_map)
    {
        let Some(name) = m.first_text("name") else {
            continue;
        };
        if let Some(loc) = m.first_text("location") {
            res.locations.insert(name.to_string(), loc.to_string());
        }
        let attrs = res.attrs.entry(name.to_string()).or_default();
        for kv in m.texts("attr") {
            if let Some((k, v)) = kv.split_once('=') {
                attrs.insert(k.to_string(), v.to_string());
            }
        }
    }
    res
}

/// A local request that only sends `docs` (the preprocess messages).
pub fn replay_request(base: &Request, docs: Vec<Response>) -> Request {
    let mut req = Request::new(base.command());
    req.set("_xcatpreprocessed", "1");
    req.map.insert(
        REPLAY.to_string(),
        docs.into_iter().map(|d| Value::Map(d.map)).collect(),
    );
    req
}

/// The documents of a replay request; `None` for any other request.
pub fn replayed(req: &Request) -> Option<Vec<Response>> {
    let values = req.map.get(REPLAY)?;
    Some(
        values
            .iter()
            .filter_map(Value::as_map)
            .map(|m| Response { map: m.clone() })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_round_trip_through_xml() {
        let mut res = Resources::default();
        res.locations
            .insert("71_spot".into(), "/install/nim/spot/71_spot/usr".into());
        res.attrs.entry("71_spot".into()).or_default().extend([
            ("class".to_string(), "resources".to_string()),
            ("Rstate".to_string(), "ready for use".to_string()),
        ]);
        let mut req = Request::new("mkdsklsnode");
        put_resources(&mut req, &res);
        let back = Request::from_map(xcat_proto::parse_document(&req.to_xml()).unwrap().map);
        assert_eq!(resources(&back), res);
        let r = replay_request(&req, vec![Response::new().info("x")]);
        assert_eq!(replayed(&r).unwrap()[0].map, Response::new().info("x").map);
        assert!(replayed(&req).is_none());
    }
}
