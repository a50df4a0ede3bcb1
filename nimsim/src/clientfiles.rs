//! The files NIM writes for an initialised diskless/dataless client and removes on
//! deallocation — the ones stock xCAT edits afterwards (aixinstall.pm:12063-12338):
//! `<tftpdir>/<client ip>.info`, `<shared_root>/etc/.client_data/{hosts,filesystems,
//! niminfo}.<name>` and `<root>/<name>/etc/{hosts,filesystems}`.
//!
//! Written only where the base directory already exists (the tftp directory —
//! `NIMSIM_TFTPDIR`, default `/tftpboot` — and the resource locations), so the
//! simulator never creates directory trees of its own. Failures are ignored: these
//! files are a courtesy to the caller, NIM's database is the state.

use std::fs;
use std::path::{Path, PathBuf};

use crate::resolve;
use crate::store::State;

fn tftpdir() -> PathBuf {
    PathBuf::from(std::env::var("NIMSIM_TFTPDIR").unwrap_or_else(|_| "/tftpboot".to_string()))
}

/// The host field (second word) of an object's `if1`.
fn if1_host(state: &State, name: &str) -> Option<String> {
    let if1 = state.objects.get(name)?.get("if1")?;
    if1.split_whitespace().nth(1).map(str::to_string)
}

/// Facts about one client the files are made of.
struct Client {
    name: String,
    host: String,
    ip: Option<String>,
    master: String,
    master_ip: Option<String>,
    spot: Option<String>,
    root_dev: Option<String>,
    shared_root: Option<String>,
    root: Option<String>,
}

fn client(state: &State, name: &str) -> Option<Client> {
    let m = state.objects.get(name)?;
    let loc = |rtype: &str| {
        m.get(rtype)
            .and_then(|r| state.objects.get(r))
            .and_then(|r| r.get("location"))
            .map(str::to_string)
    };
    let host = if1_host(state, name)?;
    let master = if1_host(state, "master").unwrap_or_else(|| "master".to_string());
    let shared_root = loc("shared_root");
    let root = loc("root");
    let root_dev = shared_root
        .clone()
        .or_else(|| root.as_ref().map(|r| format!("{r}/{name}")));
    Some(Client {
        name: name.to_string(),
        ip: resolve::ipv4_of(&host).map(|ip| ip.to_string()),
        master_ip: resolve::ipv4_of(&master).map(|ip| ip.to_string()),
        host,
        master,
        spot: loc("spot"),
        root_dev,
        shared_root,
        root,
    })
}

/// Writes the client's files after dkls_init / dtls_init.
pub fn write(state: &State, name: &str) {
    let Some(c) = client(state, name) else { return };
    if let (Some(ip), true) = (&c.ip, tftpdir().is_dir()) {
        let _ = fs::write(tftpdir().join(format!("{ip}.info")), info_file(&c, ip));
    }
    if let Some(sr) = c.shared_root.as_deref().filter(|sr| Path::new(sr).is_dir()) {
        let dir = Path::new(sr).join("etc/.client_data");
        if fs::create_dir_all(&dir).is_ok() {
            let _ = fs::write(dir.join(format!("hosts.{}", c.name)), hosts_file(&c));
            let _ = fs::write(
                dir.join(format!("filesystems.{}", c.name)),
                filesystems_file(&c),
            );
            let _ = fs::write(dir.join(format!("niminfo.{}", c.name)), niminfo_file(&c));
        }
    }
    if let Some(root) = c.root.as_deref().filter(|r| Path::new(r).is_dir()) {
        let dir = Path::new(root).join(&c.name).join("etc");
        if fs::create_dir_all(&dir).is_ok() {
            let _ = fs::write(dir.join("hosts"), hosts_file(&c));
            let _ = fs::write(dir.join("filesystems"), filesystems_file(&c));
        }
    }
}

/// Removes what `write` made (on deallocate / remove).
pub fn remove(state: &State, name: &str) {
    let Some(c) = client(state, name) else { return };
    if let Some(ip) = &c.ip {
        let _ = fs::remove_file(tftpdir().join(format!("{ip}.info")));
    }
    if let Some(sr) = &c.shared_root {
        for kind in ["hosts", "filesystems", "niminfo"] {
            let _ =
                fs::remove_file(Path::new(sr).join(format!("etc/.client_data/{kind}.{}", c.name)));
        }
    }
    if let Some(root) = &c.root {
        let _ = fs::remove_dir_all(Path::new(root).join(&c.name));
    }
}

fn nim_hosts(c: &Client) -> String {
    let mut hosts = String::from(" ");
    if let Some(ip) = &c.ip {
        hosts.push_str(&format!("{ip}:{} ", c.host));
    }
    if let Some(ip) = &c.master_ip {
        hosts.push_str(&format!("{ip}:{} ", c.master));
    }
    hosts
}

fn info_file(c: &Client, _ip: &str) -> String {
    let mut out = String::from("#----- Network Install Manager ---------------\n");
    out.push_str("export NIM_CONFIGURATION=diskless\n");
    out.push_str(&format!("export NIM_NAME={}\n", c.name));
    out.push_str(&format!("export NIM_HOSTNAME={}\n", c.host));
    out.push_str(&format!("export NIM_MASTER_HOSTNAME={}\n", c.master));
    out.push_str("export NIM_MASTER_PORT=1058\n");
    out.push_str("export RC_CONFIG=rc.dd_boot\n");
    if let Some(spot) = &c.spot {
        out.push_str(&format!("export SPOT={}:{spot}\n", c.master));
    }
    if let Some(root) = &c.root_dev {
        out.push_str(&format!("export ROOT={}:{root}\n", c.master));
    }
    out.push_str(&format!("export NIM_HOSTS=\"{}\"\n", nim_hosts(c)));
    out
}

fn hosts_file(c: &Client) -> String {
    let mut out = String::from("127.0.0.1\tloopback localhost\n");
    if let Some(ip) = &c.master_ip {
        out.push_str(&format!("{ip}\t{}\n", c.master));
    }
    if let Some(ip) = &c.ip {
        out.push_str(&format!("{ip}\t{}\n", c.host));
    }
    out
}

fn filesystems_file(c: &Client) -> String {
    let stanza = |mount: &str, dev: &str, options: &str| {
        format!(
            "{mount}:\n\tdev\t\t= \"{dev}\"\n\tvfs\t\t= nfs\n\tnodename\t= {}\n\tmount\t\t= automatic\n\ttype\t\t= dskls\n\toptions\t\t= {options}\n\taccount\t\t= false\n\n",
            c.master
        )
    };
    let mut out = stanza("/", c.root_dev.as_deref().unwrap_or(""), "rw,hard,intr");
    out.push_str(&stanza(
        "/usr",
        c.spot.as_deref().unwrap_or(""),
        "ro,hard,intr",
    ));
    out
}

fn niminfo_file(c: &Client) -> String {
    format!(
        "#------------------ Network Install Manager ---------------\nexport NIM_NAME={}\nexport NIM_HOSTNAME={}\nexport NIM_CONFIGURATION=diskless\nexport NIM_MASTER_HOSTNAME={}\nexport NIM_MASTER_PORT=1058\nexport NIM_HOSTS=\"{}\"\n",
        c.name,
        c.host,
        c.master,
        nim_hosts(c)
    )
}
