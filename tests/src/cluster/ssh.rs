//! Real ssh between hosts: one root key pair for the whole cluster (in every
//! host's `/root/.ssh`, authorized everywhere), a generated host key per
//! host listed in every host's `/etc/ssh/ssh_known_hosts`, and an `sshd -D`
//! per host listening on the host's address and loopback (key auth only).

use super::layout::Layout;
use super::mounts::make_opaque;
use super::spec::ClusterSpec;
use super::sys::{chmod, run_args, write_file};
use std::path::Path;

/// The sshd binary (Debian: openssh-server).
pub const SSHD: &str = "/usr/sbin/sshd";

/// Generate an ed25519 key pair without passphrase at `path` / `path.pub`.
fn keygen(path: &Path, comment: &str) -> Result<String, String> {
    let p = path.to_string_lossy();
    run_args(
        "ssh-keygen",
        &["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", &p],
    )?;
    let public = path.with_extension("pub");
    let public = if public.exists() {
        public
    } else {
        Path::new(&format!("{p}.pub")).to_path_buf()
    };
    std::fs::read_to_string(&public).map_err(|e| format!("{}: {e}", public.display()))
}

/// Make every host's ssh files (before its mount namespace is mounted).
pub fn prepare(layout: &Layout, spec: &ClusterSpec) -> Result<(), String> {
    let keys = layout.keys_dir();
    std::fs::create_dir_all(&keys).map_err(|e| format!("{}: {e}", keys.display()))?;
    let user_key = keys.join("id_ed25519");
    let user_pub = keygen(&user_key, "root@xcluster")?;
    let user_priv = std::fs::read(&user_key).map_err(|e| e.to_string())?;
    let mut known = String::new();
    for host in &spec.hosts {
        let etc_ssh = layout.host_dir(&host.name).join("etc/ssh");
        std::fs::create_dir_all(&etc_ssh).map_err(|e| e.to_string())?;
        let key = etc_ssh.join("ssh_host_ed25519_key");
        let _ = std::fs::remove_file(&key);
        let public = keygen(&key, &host.name)?;
        known.push_str(&format!("{},{} {}", host.name, host.ip(), public));
        write_file(
            &etc_ssh.join("sshd_config"),
            sshd_config(&host.ip()).as_bytes(),
        )?;
    }
    for host in &spec.hosts {
        let dir = layout.host_dir(&host.name);
        write_file(&dir.join("etc/ssh/ssh_known_hosts"), known.as_bytes())?;
        chmod(&dir.join("root"), 0o700)?;
        let dot_ssh = dir.join("root/.ssh");
        make_opaque(&dot_ssh)?;
        chmod(&dot_ssh, 0o700)?;
        write_file(&dot_ssh.join("id_ed25519"), &user_priv)?;
        chmod(&dot_ssh.join("id_ed25519"), 0o600)?;
        write_file(&dot_ssh.join("id_ed25519.pub"), user_pub.as_bytes())?;
        write_file(&dot_ssh.join("authorized_keys"), user_pub.as_bytes())?;
        chmod(&dot_ssh.join("authorized_keys"), 0o600)?;
        write_file(&dot_ssh.join("config"), CLIENT_CONFIG.as_bytes())?;
    }
    // sshd's privilege separation directory (shared /run, as on any Debian host).
    std::fs::create_dir_all("/run/sshd").map_err(|e| format!("/run/sshd: {e}"))?;
    Ok(())
}

/// Client defaults of root on every host: never prompt.
const CLIENT_CONFIG: &str = "Host *\n    BatchMode yes\n    ConnectTimeout 10\n";

fn sshd_config(ip: &str) -> String {
    format!(
        "Port 22\n\
         ListenAddress {ip}\n\
         ListenAddress 127.0.0.1\n\
         HostKey /etc/ssh/ssh_host_ed25519_key\n\
         PermitRootLogin prohibit-password\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         PidFile none\n\
         UseDNS no\n\
         AcceptEnv LANG LC_*\n\
         Subsystem sftp /usr/lib/openssh/sftp-server\n"
    )
}

/// Arguments of the per-host sshd (foreground, log to stderr).
pub fn sshd_args() -> [&'static str; 4] {
    ["-D", "-e", "-f", "/etc/ssh/sshd_config"]
}
