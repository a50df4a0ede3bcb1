//! Robustness of the client's reader and printer: fixture response streams
//! with random byte flips, insertions, deletions and truncations must never
//! panic (a deterministic xorshift fuzz, bounded in iterations).

use xcat_client::cli::print_stream;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"<serverdone/>",
    b"</xcatresponse>",
    b"<xcatresponse>",
    b"<node>",
    b"<data>",
    b"<errorcode>",
    b"<![CDATA[x]]>",
    b"<!DOCTYPE x>",
    b"\x00",
    b"\xff",
    b"\x1b",
    b"<error>",
];

#[test]
fn mutated_fixture_streams_never_panic() {
    let streams: Vec<Vec<u8>> = xcat_tests::fixtures()
        .into_iter()
        .flat_map(|f| f.connections.into_iter().map(|c| c.response))
        .take(40)
        .collect();
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for i in 0..3000 {
        let mut s = streams[i % streams.len()].clone();
        for _ in 0..=rng.below(6) {
            if s.is_empty() {
                break;
            }
            let at = rng.below(s.len());
            match rng.below(4) {
                0 => s[at] = rng.next() as u8,
                1 => {
                    let t = TOKENS[rng.below(TOKENS.len())];
                    s.splice(at..at, t.iter().copied());
                }
                2 => {
                    let end = (at + rng.below(20)).min(s.len());
                    s.drain(at..end);
                }
                _ => s.truncate(at),
            }
        }
        let p = print_stream(&s, i % 2 == 0);
        if p.stderr.ends_with(xcat_client::cli::PREMATURE_END) {
            assert_eq!(p.exit_code, 1);
        }
    }
}
