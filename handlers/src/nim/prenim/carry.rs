//! What the management node hands each service node's part besides the
//! node list: nimprime's facts about the image resources (stock `lochash`
//! and `nimhash`, aixinstall.pm:8837-8889), carried in the forwarded request
//! as `<xcatdrs_nimres>` elements (name, location, `attr=value` words), and
//! the messages the management node's preprocess produced (sent by a local
//! part, as stock sent them from `preprocess_request` before the split).
//! Everything else the service node reads from the database itself.
//! [`parts`] and [`direct`] are the handler flow of the commands that
//! share `prenimnodeset` (mkdsklsnode, nimnodeset).

use super::Pre;
use crate::api::{HandlerError, Part, Responder};
use crate::hierarchy::SnType;
use crate::nim::model::Resources;
use crate::nim::say::send_all;
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

/// `Handler::preprocess` after the management node's decision: an answer
/// as one local part; else the preprocess messages first (a local part, as
/// stock sent them before the split), then one part per service node of
/// `sn_type` carrying nimprime's resource facts.
pub fn parts<O>(
    ctx: &crate::api::Ctx,
    request: &Request,
    pre: Pre<O>,
    sn_type: fn(&O) -> SnType,
) -> Result<Vec<Part>, HandlerError> {
    let (opts, nodes, resources, msgs) = match pre {
        Pre::Answer(docs) => return Ok(vec![Part::local(replay_request(request, docs))]),
        Pre::Split {
            opts,
            nodes,
            resources,
            msgs,
        } => (opts, nodes, resources, msgs),
    };
    let mut req = request.clone();
    put_resources(&mut req, &resources);
    let mut parts = Vec::new();
    if !msgs.is_empty() {
        parts.push(Part::local(replay_request(request, msgs)));
    }
    parts.extend(crate::nim::split::per_service_node(
        ctx,
        &req,
        &nodes,
        sn_type(&opts),
    )?);
    Ok(parts)
}

/// `Handler::process`: the request a server part runs, or `None` when the
/// command ended here (replayed messages, or a direct call answered).  A
/// direct call (not split) is decided by `decide` and runs every node
/// here, after the preprocess messages.
pub fn direct<O>(
    request: &Request,
    out: &mut dyn Responder,
    decide: impl FnOnce() -> Result<Pre<O>, HandlerError>,
) -> Result<Option<Request>, HandlerError> {
    if let Some(docs) = replayed(request) {
        send_all(out, docs)?;
        return Ok(None);
    }
    let mut request = request.clone();
    if request.get("_xcatpreprocessed") == Some("1") {
        return Ok(Some(request));
    }
    match decide()? {
        Pre::Answer(docs) => {
            send_all(out, docs)?;
            Ok(None)
        }
        Pre::Split {
            nodes,
            resources,
            msgs,
            ..
        } => {
            send_all(out, msgs)?;
            request.set_nodes(&nodes);
            put_resources(&mut request, &resources);
            Ok(Some(request))
        }
    }
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
