//! NIM machine (client) definitions, the one rule for every NIM command:
//! the machine name (the node's short host name), the `if<N>` interface
//! attribute (`find_net <short> <MAC or IPv6 link-local> <adapter>`) with
//! stock's `linklocaladdr` (perl-xCAT/xCAT/NetworkUtils.pm:428-470), and
//! the `nim -Fo define` words of mkdsklsnode and nimnodeset
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:11520-11575, the same rule
//! at :867-944).  xcat2nim's `mkclientdef`
//! (xCAT-server/lib/xcat/plugins/xcat2nim.pm:986-1022) builds its `if1`
//! from the same pieces.  Every value is validated before it is put in a
//! word.

use crate::nim::model::NodeNet;
use crate::nim::validate::{self, Invalid};
use std::collections::BTreeMap;

/// The NIM machine name of a node: its short host name (stock
/// `s/\..*$//`).
pub fn short_name(node: &str) -> &str {
    node.split('.').next().unwrap_or(node)
}

/// Stock `linklocaladdr`: EUI-64 with the universal/local bit flipped; the
/// first group without leading zeros (`fe80::221:5eff:fea3:76b0`).
pub fn link_local(mac12: &str) -> String {
    let m = mac12.to_ascii_lowercase();
    let b = |i: usize| m.get(i * 2..i * 2 + 2).unwrap_or("00");
    let first = u8::from_str_radix(b(0), 16).unwrap_or(0) ^ 2;
    format!(
        "fe80::{first:x}{}:{}ff:fe{}:{}{}",
        b(1),
        b(2),
        b(3),
        b(4),
        b(5)
    )
}

/// `if<index>=<net> <short> <address> <adapter>`: NIM's interface
/// attribute (`net` is `find_net` unless a NIM network is named).
pub fn if_attr(index: usize, net: &str, short: &str, address: &str, adapter: &str) -> String {
    format!("if{index}={net} {short} {address} {adapter}")
}

/// A node's NIM client definition as mkdsklsnode and nimnodeset make it.
#[derive(Debug, Clone)]
pub struct ClientDef<'a> {
    /// The xCAT node name (named in refusals).
    pub node: &'a str,
    /// The NIM machine name ([`short_name`] of the node, or mkdsklsnode
    /// `-n`'s `<short>_<image>`); the `if<N>` words name the short name.
    pub nim_name: &'a str,
    /// `standalone`, `diskless` or `dataless`.
    pub nimtype: &'a str,
    /// `mac.mac` as stored: `|`-separated, one `if<N>` each.
    pub macs: &'a str,
    /// The node's address is IPv6 (adapter `ent6`, link-local address).
    pub ipv6: bool,
    /// mkdsklsnode `-n`: `if<N>=find_net <short> 0`.
    pub new_name: bool,
    pub net: &'a NodeNet,
    /// The command's `attr=val` pairs (`speed`, `duplex`, and those of
    /// `passed`).
    pub attrs: &'a BTreeMap<String, String>,
    /// `attr=val` names passed on to the definition (mkdsklsnode:
    /// `dump_iscsi_port`; nimnodeset: none).
    pub passed: &'a [&'a str],
}

/// The `nim` words (`-Fo define -t <type> -a if1=… … <nim_name>`): per MAC
/// `if<N>` and `cable_type<N>=N/A`, `netboot_kernel=mp`, then unless the
/// management interface is HFI `net_definition` and `net_settings1`
/// (speed `100`, duplex `full` unless given), then the passed attributes.
pub fn define_args(def: &ClientDef) -> Result<Vec<String>, Invalid> {
    let n = def.node;
    let short = short_name(def.node);
    let hfi = def.net.mgtifname.contains("hf");
    let adapter = match (def.ipv6, hfi) {
        (true, _) => "ent6",
        (false, true) => "hfi0",
        (false, false) => "ent",
    };
    let mut a: Vec<String> = vec!["-Fo".into(), "define".into(), "-t".into()];
    a.push(def.nimtype.to_string());
    for (i, m) in def.macs.split('|').enumerate() {
        let mac = validate::mac(n, "mac", m)?;
        let word = match (def.new_name, def.ipv6) {
            (true, _) => format!("if{}=find_net {short} 0", i + 1),
            (false, true) => if_attr(i + 1, "find_net", short, &link_local(&mac), adapter),
            (false, false) => if_attr(i + 1, "find_net", short, &mac, adapter),
        };
        a.extend(["-a".into(), word, "-a".into()]);
        a.push(format!("cable_type{}=N/A", i + 1));
    }
    a.extend(["-a".into(), "netboot_kernel=mp".into()]);
    if !hfi {
        let mask = netmask(def)?;
        let gateway = match def.ipv6 {
            true => validate::ip(n, "gateway", &def.net.gateway)?.to_string(),
            false => validate::ipv4(n, "gateway", &def.net.gateway)?.to_string(),
        };
        let speed = def.attrs.get("speed").map_or("100", String::as_str);
        let duplex = def.attrs.get("duplex").map_or("full", String::as_str);
        validate::nim_attr_value(n, "speed", speed)?;
        validate::nim_attr_value(n, "duplex", duplex)?;
        a.push("-a".into());
        a.push(format!("net_definition={adapter} {mask} {gateway}"));
        a.push("-a".into());
        a.push(format!("net_settings1={speed} {duplex}"));
    }
    for (attr, value) in def
        .attrs
        .iter()
        .filter(|(k, _)| def.passed.contains(&k.as_str()))
    {
        validate::nim_attr_value(n, attr, value)?;
        a.push("-a".into());
        a.push(format!("{attr}={value}"));
    }
    a.push(def.nim_name.to_string());
    Ok(a)
}

/// The network mask: IPv4 as stored; for IPv6 a prefix length becomes 32
/// hexadecimal digits as stock `prefixtomask` writes it
/// (perl-xCAT/xCAT/NetworkUtils.pm:645-658); a mask in address form is
/// passed as it is.
fn netmask(def: &ClientDef) -> Result<String, Invalid> {
    let mask = def.net.mask.trim();
    if !def.ipv6 {
        return validate::ipv4(def.node, "mask", mask).map(|m| m.to_string());
    }
    match mask.trim_start_matches('/').parse::<u32>() {
        Ok(p @ 1..=128) => Ok(format!("{:032x}", u128::MAX << (128 - p))),
        _ => validate::ip(def.node, "mask", mask).map(|m| m.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(mgtifname: &str) -> NodeNet {
        NodeNet {
            mask: "255.255.255.0".into(),
            gateway: "10.0.0.1".into(),
            mgtifname: mgtifname.into(),
            ..NodeNet::default()
        }
    }

    #[test]
    fn names_and_link_local_as_stock() {
        assert_eq!(link_local("00215EA376B0"), "fe80::221:5eff:fea3:76b0");
        assert_eq!(link_local("aabbccddeeff"), "fe80::a8bb:ccff:fedd:eeff");
        assert_eq!(short_name("cn01.cluster.net"), "cn01");
    }

    #[test]
    fn define_words_per_mac_and_adapter() {
        let attrs = BTreeMap::from([("dump_iscsi_port".to_string(), "3260".to_string())]);
        let (eth, hfi) = (net("eth0"), net("hf0"));
        let mut def = ClientDef {
            node: "cn01.cluster",
            nim_name: "cn01",
            nimtype: "diskless",
            macs: "00:11:22:33:44:55|001122334466",
            ipv6: false,
            new_name: false,
            net: &eth,
            attrs: &attrs,
            passed: &["dump_iscsi_port"],
        };
        assert_eq!(
            define_args(&def).unwrap().join(" "),
            "-Fo define -t diskless -a if1=find_net cn01 001122334455 ent -a cable_type1=N/A \
             -a if2=find_net cn01 001122334466 ent -a cable_type2=N/A -a netboot_kernel=mp \
             -a net_definition=ent 255.255.255.0 10.0.0.1 -a net_settings1=100 full \
             -a dump_iscsi_port=3260 cn01"
        );
        def.net = &hfi;
        def.macs = "001122334455";
        def.passed = &[];
        assert_eq!(
            define_args(&def).unwrap().join(" "),
            "-Fo define -t diskless -a if1=find_net cn01 001122334455 hfi0 -a cable_type1=N/A \
             -a netboot_kernel=mp cn01"
        );
        def.macs = "00:11:zz";
        assert!(define_args(&def).is_err());
        let v6 = NodeNet {
            mask: "64".into(),
            gateway: "fd00::1".into(),
            ..net("eth0")
        };
        def.net = &v6;
        def.ipv6 = true;
        def.macs = "00215EA376B0";
        assert_eq!(
            define_args(&def).unwrap().join(" "),
            "-Fo define -t diskless -a if1=find_net cn01 fe80::221:5eff:fea3:76b0 ent6 \
             -a cable_type1=N/A -a netboot_kernel=mp \
             -a net_definition=ent6 ffffffffffffffff0000000000000000 fd00::1 \
             -a net_settings1=100 full cn01"
        );
    }
}
