//! Logs of commands a handler ran to several service nodes at once, in a
//! stable order for assertions.
//!
//! A fan-out (rsync of `/etc/hosts` to every service node, say) runs its
//! commands concurrently, so they reach a test's log in any order. Lines
//! next to each other that differ only in a service-node name (`sn1`,
//! `sn2`, …) are one fan-out: [`fan_sorted`] sorts each such run and keeps
//! every other line where it is.

/// `lines` with each run of neighbours that differ only in `sn<digits>`
/// names sorted.
pub fn fan_sorted(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut start = 0;
    for line in lines {
        if out.last().is_some_and(|l| sn_masked(l) != sn_masked(&line)) {
            out[start..].sort();
            start = out.len();
        }
        out.push(line);
    }
    out[start..].sort();
    out
}

/// `line` with the digits of each `sn<digits>` word replaced by `*`.
fn sn_masked(line: &str) -> String {
    let mut masked = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("sn") {
        let (before, from) = rest.split_at(at + 2);
        masked.push_str(before);
        let word_start = before[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let digits = from.len() - from.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if word_start && digits > 0 {
            masked.push('*');
            rest = &from[digits..];
        } else {
            rest = from;
        }
    }
    masked.push_str(rest);
    masked
}

#[cfg(test)]
mod tests {
    use super::fan_sorted;

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_runs_that_differ_in_a_service_node_name_are_sorted() {
        let got = fan_sorted(owned(&[
            "rsync /etc/hosts sn2:/etc/",
            "rsync /etc/hosts sn1:/etc/",
            "sn2: mkdir /x",
            "ls /b",
            "ls /a",
            "sn2: df /x",
            "sn1: df /x",
            "dsn2 x",
            "dsn1 x",
        ]));
        assert_eq!(
            got,
            owned(&[
                "rsync /etc/hosts sn1:/etc/",
                "rsync /etc/hosts sn2:/etc/",
                "sn2: mkdir /x",
                "ls /b",
                "ls /a",
                "sn1: df /x",
                "sn2: df /x",
                "dsn2 x",
                "dsn1 x",
            ])
        );
    }
}
