//! The space check before a resource is copied to a service node
//! (`copyres2`, xCAT-server/lib/xcat/plugins/aixinstall.pm:9497-9566):
//! the resource's size from `du -sm`, the free space and mount point from
//! the second line of `df -m <dir>` on the service node, and how much
//! `chfs -a size=+<n>M` must add.

/// The file system holding a directory, as `df -m` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct FsSpace {
    /// Free megabytes (the third column).
    pub free_mb: f64,
    /// Mount point (the seventh column).
    pub mount: String,
}

/// The second line of `df -m <dir>` (stock `awk '(NR==2)'`); stock reads
/// fields 3 and 7 after the `sn:` prefix of xdsh, we get the plain output.
pub fn parse_df(out: &str) -> Option<FsSpace> {
    let line = out.lines().nth(1)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let free_mb = fields.get(2)?.parse().ok()?;
    let mount = fields.get(6)?.to_string();
    Some(FsSpace { free_mb, mount })
}

/// Megabytes of `du -sm <dir>` (the first field).
pub fn parse_du(out: &str) -> Option<u64> {
    out.split_whitespace().next()?.parse().ok()
}

/// What a copy needs on the service node: an lpp_source or a SPOT twice its
/// size plus 100 MB (the copy and its archive), anything else its size plus 10.
pub fn need_mb(restype: &str, size_mb: u64) -> u64 {
    match restype {
        "lpp_source" | "spot" => 2 * size_mb + 100,
        _ => size_mb + 10,
    }
}

/// How many megabytes `chfs -a size=+<n>M` must add, if any (stock
/// truncates the difference to an integer).
pub fn grow_by(need_mb: u64, space: &FsSpace) -> Option<u64> {
    let need = need_mb as f64;
    (need > space.free_mb).then_some((need - space.free_mb) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DF: &str = "Filesystem    MB blocks      Free %Used    Iused %Iused Mounted on\n/dev/fslv00     20480.00  16384.00   20%     1200     1% /install\n";

    #[test]
    fn df_du_and_the_decision() {
        let s = parse_df(DF).unwrap();
        assert_eq!(s.free_mb, 16384.0);
        assert_eq!(s.mount, "/install");
        assert_eq!(parse_df("Filesystem\n"), None);
        assert_eq!(parse_du("1200\t/install/nim/spot\n"), Some(1200));
        assert_eq!(need_mb("spot", 1200), 2500);
        assert_eq!(need_mb("script", 1), 11);
        assert_eq!(grow_by(2500, &s), None);
        let low = FsSpace {
            free_mb: 1000.5,
            mount: "/install".into(),
        };
        assert_eq!(grow_by(2500, &low), Some(1499));
    }
}
