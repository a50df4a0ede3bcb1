//! Fuzzing of framing + XML parsing with a fixed seed (a plain test, so CI
//! can run it time-boxed): stock fixture requests are mutated (bit flips,
//! byte insertions/deletions, truncation, duplication, tag soup) and fed in
//! random chunk sizes to the framer and the parser; nothing may panic, every
//! frame ends with `</xcatrequest>`, and the buffer respects its limit.  A
//! live part sends mutated requests to a running server, which must answer
//! with one `serverdone` or close, and keep serving.
//! `XCATD_FUZZ_ITERS` sets the iteration count (default 5000).

mod common;

use common::*;
use rand::{Rng, SeedableRng};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use xcatd::framing::{is_abort, Framer};

fn fixtures() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    // The first request of every stock transcript.
    for f in xcat_tests::fixtures::fixtures() {
        if let Some(c) = f.connections.into_iter().next() {
            out.push(c.request);
        }
    }
    out.push(request("authcheck", &[("arg", "a&b<c>\"'")]));
    out.push(b"<?xml version=\"1.0\"?>\n<xcatrequest><command>x</command><becomeuser><username>u</username><password>p</password></becomeuser></xcatrequest>".to_vec());
    out.push(b"<xcatrequest><abortcommand>1</abortcommand></xcatrequest>".to_vec());
    out
}

const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"</",
    b"/>",
    b"&amp;",
    b"&#10;",
    b"&#x0;",
    b"&bogus;",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY e \"e\">]>",
    b"<?pi?>",
    b"<!--",
    b"-->",
    b"</xcatrequest>",
    b"<xcatrequest>",
    b"\xff\xfe",
    b"\0",
    b"<a b='c'>",
    b"<node>",
    b"</node>",
];

fn mutate(rng: &mut rand::rngs::StdRng, input: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..rng.gen_range(1..6) {
        let len = v.len().max(1);
        match rng.gen_range(0..7) {
            0 if !v.is_empty() => {
                let i = rng.gen_range(0..v.len());
                v[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => {
                let i = rng.gen_range(0..=v.len());
                v.insert(i, rng.gen());
            }
            2 if !v.is_empty() => {
                let i = rng.gen_range(0..v.len());
                v.remove(i);
            }
            3 => v.truncate(rng.gen_range(0..len)),
            4 => {
                let t = TOKENS[rng.gen_range(0..TOKENS.len())];
                let i = rng.gen_range(0..=v.len());
                v.splice(i..i, t.iter().copied());
            }
            5 if !v.is_empty() => {
                let a = rng.gen_range(0..v.len());
                let b = rng.gen_range(a..v.len());
                let dup = v[a..=b].to_vec();
                v.splice(a..a, dup);
            }
            _ => {}
        }
    }
    v
}

#[test]
fn framer_and_parser_survive_mutations() {
    let iters: usize = std::env::var("XCATD_FUZZ_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    let corpus = fixtures();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed_0001);
    let limit = 64 * 1024;
    for _ in 0..iters {
        let base = &corpus[rng.gen_range(0..corpus.len())];
        let mut data = mutate(&mut rng, base);
        if rng.gen_bool(0.2) {
            let pick = rng.gen_range(0..corpus.len());
            let more = mutate(&mut rng, &corpus[pick]);
            data.extend(more);
        }
        let mut framer = Framer::new();
        let mut pos = 0;
        'feed: while pos < data.len() {
            let n = rng.gen_range(1..=64).min(data.len() - pos);
            framer.push(&data[pos..pos + n]);
            pos += n;
            loop {
                match framer.next_frame(limit) {
                    Ok(Some(frame)) => {
                        assert!(frame.ends_with(b"</xcatrequest>"));
                        let _ = is_abort(&frame);
                        let _ = xcatd::dispatch::parse(&frame);
                    }
                    Ok(None) => break,
                    Err(_) => break 'feed,
                }
            }
            assert!(framer.buffered() <= limit + 64);
        }
        // the parser alone on the raw mutation
        let _ = xcat_proto::parse_document(&data);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_server_survives_mutated_requests() {
    let s = start(Options::default()).await;
    let root = s.pki.client("root");
    let corpus = fixtures();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..40 {
        let pick = rng.gen_range(0..corpus.len());
        let data = mutate(&mut rng, &corpus[pick]);
        let mut tls = connect(s.addr, Some(&root)).await.unwrap();
        let _ = tls.write_all(&data).await;
        let _ = tls.shutdown().await;
        let (text, _) = read_to_close(&mut tls, Duration::from_secs(3)).await;
        assert!(text.matches("<serverdone>").count() <= 1, "{text}");
    }
    let a = ask(s.addr, Some(&root), &request("authcheck", &[])).await;
    assert!(a.contains("<username>root</username>"));
}
