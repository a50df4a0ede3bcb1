//! `nic*` attributes: stored collapsed (`nicips=eth0!1.1.1.1|2.1.1.1,eth1!3.1.1.1`),
//! shown and entered per NIC (`nicips.eth0=1.1.1.1|2.1.1.1`).

use std::collections::BTreeMap;

/// Whether `attr` is a per-NIC form like `nicips.eth0`; returns (`nicips`, `eth0`).
pub fn split_nic_attr(attr: &str) -> Option<(&str, &str)> {
    let (base, nic) = attr.split_once('.')?;
    if base.starts_with("nic")
        && base.len() > 3
        && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !nic.is_empty()
    {
        Some((base, nic))
    } else {
        None
    }
}

/// Expand a stored value into `    attr.nic=value` lines.  A regex value
/// (`|pattern|replacement|`) keeps only its replacement part; for nodes each
/// per-NIC value goes through `eval` (regex evaluation against the node name).
/// `only` restricts to the named NICs.
pub fn expand(
    attr: &str,
    value: &str,
    only: Option<&[String]>,
    eval: &mut dyn FnMut(&str) -> Option<String>,
) -> Vec<String> {
    let mut v = value;
    if v.len() >= 2 && v.starts_with('|') && v.ends_with('|') {
        let inner = &v[1..v.len() - 1];
        v = match inner.split_once('|') {
            Some((_, rep)) => rep.split('|').next().unwrap_or(""),
            None => inner,
        };
    }
    let mut out = Vec::new();
    for entry in v.split(',') {
        let mut parts = entry.split('!');
        let nic = parts.next().unwrap_or("");
        let val = parts.next().unwrap_or("");
        if let Some(names) = only {
            if !nic.is_empty() && !names.iter().any(|n| n == nic) {
                continue;
            }
        }
        let val = eval(val).unwrap_or_default();
        if !nic.is_empty() && !val.is_empty() {
            out.push(format!("    {attr}.{nic}={val}"));
        }
    }
    out
}

/// Fold `nicX.eth0=v` pairs of `attrs` into `nicX=eth0!v,...` (NICs sorted;
/// an empty per-NIC value drops that NIC).
pub fn collapse(attrs: &mut BTreeMap<String, String>) {
    let mut folded: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let keys: Vec<String> = attrs
        .keys()
        .filter(|k| split_nic_attr(k).is_some())
        .cloned()
        .collect();
    for k in keys {
        if let Some(v) = attrs.remove(&k) {
            if let Some((base, nic)) = split_nic_attr(&k) {
                folded
                    .entry(base.to_string())
                    .or_default()
                    .push((nic.to_string(), v));
            }
        }
    }
    for (base, nics) in folded {
        let joined: Vec<String> = nics
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, v)| format!("{n}!{v}"))
            .collect();
        attrs.insert(base, joined.join(","));
    }
}

/// Split a stored collapsed value into (nic, value) pairs.
pub fn entries(value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter(|e| !e.is_empty())
        .map(|e| {
            let mut p = e.split('!');
            (
                p.next().unwrap_or("").to_string(),
                p.next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut m = BTreeMap::new();
        m.insert("nicips.eth1".to_string(), "3.1.1.1".to_string());
        m.insert("nicips.eth0".to_string(), "1.1.1.1|2.1.1.1".to_string());
        m.insert("groups".to_string(), "all".to_string());
        collapse(&mut m);
        assert_eq!(m["nicips"], "eth0!1.1.1.1|2.1.1.1,eth1!3.1.1.1");
        let mut id = |s: &str| Some(s.to_string());
        let lines = expand("nicips", &m["nicips"], None, &mut id);
        assert_eq!(
            lines,
            vec!["    nicips.eth0=1.1.1.1|2.1.1.1", "    nicips.eth1=3.1.1.1"]
        );
        let only = vec!["eth1".to_string()];
        assert_eq!(
            expand("nicips", &m["nicips"], Some(&only), &mut id).len(),
            1
        );
    }
}
