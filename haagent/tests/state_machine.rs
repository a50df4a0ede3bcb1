//! The takeover rules with simulated time (`tests/common`): planned handover, the
//! active's death, fencing failures, a dead witness, a cut standby, a paused active,
//! a restarted old active. Default timing: heartbeat 1 s, takeover 10 s, lease 6 s.

mod common;

use common::{Fence, Sim, STEP, WITNESS};
use haagent::state::{Admin, Role, Start, Timing};
use std::time::Duration;

const S: fn(u64) -> Duration = Duration::from_secs;

/// mn1 active at term 1, mn2 standby, after 5 s of heartbeats.
fn steady(fence: Fence, force: bool) -> Sim {
    let mut sim = Sim::new(Timing::default(), fence, force);
    sim.run_for(S(5));
    assert_eq!(sim.role("mn1"), Role::Active);
    assert_eq!(sim.role("mn2"), Role::Standby);
    assert_eq!(sim.role(WITNESS), Role::Witness);
    assert_eq!(sim.term(), 1);
    assert_eq!(sim.writers(), ["mn1"]);
    sim
}

#[test]
fn defaults_are_valid_and_bad_timings_are_refused() {
    assert!(Timing::default().validate().is_ok());
    let t = Timing {
        lease: S(9),
        ..Timing::default()
    };
    assert!(t.validate().is_err());
}

#[test]
fn planned_handover_and_back() {
    let mut sim = steady(Fence::Kills, false);
    sim.admin("mn1", Admin::Standby);
    assert!(!sim.node("mn1").vip && sim.writers().is_empty());
    sim.run_for(S(2));
    sim.admin("mn2", Admin::Activate { force: false });
    assert_eq!(sim.role("mn2"), Role::Active);
    assert_eq!(sim.term(), 2);
    sim.run_for(S(30));
    assert_eq!(sim.role("mn1"), Role::Standby);
    assert_eq!(sim.node("mn1").m.term(), 2);
    assert_eq!(sim.writers(), ["mn2"]);
    sim.admin("mn2", Admin::Standby);
    sim.run_for(S(2));
    sim.admin("mn1", Admin::Activate { force: false });
    sim.run_for(S(30));
    assert_eq!(
        (sim.role("mn1"), sim.role("mn2"), sim.term()),
        (Role::Active, Role::Standby, 3)
    );
    assert!(sim.fenced.is_empty(), "a planned handover fences nobody");
}

#[test]
fn activate_is_refused_while_the_peer_is_active() {
    let mut sim = steady(Fence::Kills, false);
    sim.admin("mn2", Admin::Activate { force: false });
    sim.run_for(S(30));
    assert_eq!(
        (sim.role("mn1"), sim.role("mn2"), sim.term()),
        (Role::Active, Role::Standby, 1)
    );
}

#[test]
fn active_dies_standby_fences_and_takes_over() {
    let mut sim = steady(Fence::Kills, false);
    sim.kill("mn1");
    let took = sim
        .run_until(S(60), |s| s.role("mn2") == Role::Active)
        .expect("no takeover");
    let t = Timing::default();
    assert!(
        took >= t.takeover_timeout - t.heartbeat,
        "too early: {took:?}"
    );
    assert!(
        took < t.takeover_timeout + t.heartbeat * 2,
        "too late: {took:?}"
    );
    assert_eq!(sim.fenced.len(), 1);
    assert_eq!(
        (sim.fenced[0].0.as_str(), sim.fenced[0].1.as_str()),
        ("mn2", "mn1")
    );
    assert_eq!(sim.term(), 2);
    assert_eq!(sim.writers(), ["mn2"]);
    // The old active comes back configured as active: term 2 is mn2's, it stays out.
    sim.boot("mn1", Start::Active);
    sim.run_for(S(60));
    assert_eq!(sim.role("mn1"), Role::Deactivated);
    assert_eq!(sim.writers(), ["mn2"]);
}

#[test]
fn failed_fence_means_no_takeover() {
    let mut sim = steady(Fence::Fails, false);
    sim.kill("mn1");
    sim.run_for(S(120));
    assert_eq!(sim.role("mn2"), Role::Standby);
    assert_eq!(sim.term(), 1);
    assert!(
        sim.fenced.len() >= 2,
        "fencing is retried: {:?}",
        sim.fenced
    );
    assert!(sim
        .log
        .iter()
        .any(|l| l.contains("fencing mn1 failed: not taking over")));
    // An admin who knows mn1 is off forces it.
    sim.admin("mn2", Admin::Activate { force: true });
    assert_eq!((sim.role("mn2"), sim.term()), (Role::Active, 2));
}

#[test]
fn failed_fence_with_force_configured_takes_over() {
    let mut sim = steady(Fence::Fails, true);
    sim.kill("mn1");
    assert!(sim
        .run_until(S(20), |s| s.role("mn2") == Role::Active)
        .is_some());
    assert!(sim
        .log
        .iter()
        .any(|l| l.contains("taking over anyway (forced)")));
}

#[test]
fn witness_down_no_takeover() {
    let mut sim = steady(Fence::Kills, false);
    sim.kill(WITNESS);
    sim.run_for(S(30));
    assert_eq!(
        sim.role("mn1"),
        Role::Active,
        "the peer alone keeps the lease"
    );
    sim.kill("mn1");
    sim.run_for(S(120));
    assert_eq!(sim.role("mn2"), Role::Standby);
    assert!(sim.fenced.is_empty());
}

#[test]
fn standby_cut_off_while_active_healthy_no_takeover() {
    let mut sim = steady(Fence::Kills, false);
    sim.isolate("mn2");
    sim.run_for(S(120));
    assert_eq!(
        (sim.role("mn1"), sim.role("mn2")),
        (Role::Active, Role::Standby)
    );
    assert!(sim.fenced.is_empty());
    // Only the mn1–mn2 link cut: the witness still sees mn1.
    sim.heal_all();
    sim.cut_link("mn1", "mn2");
    sim.run_for(S(120));
    assert_eq!(
        (sim.role("mn1"), sim.role("mn2"), sim.term()),
        (Role::Active, Role::Standby, 1)
    );
}

#[test]
fn isolated_active_demotes_before_the_standby_takes_over() {
    let mut sim = steady(Fence::Kills, false);
    sim.isolate("mn1");
    let demoted = sim
        .run_until(S(60), |s| s.role("mn1") == Role::Deactivated)
        .unwrap();
    assert!(demoted <= Timing::default().lease + STEP, "{demoted:?}");
    assert!(!sim.node("mn1").vip);
    let took = sim
        .run_until(S(60), |s| s.role("mn2") == Role::Active)
        .unwrap();
    assert!(demoted + took < Timing::default().takeover_timeout + S(2));
    assert_eq!(sim.term(), 2);
}

#[test]
fn paused_active_resumes_deactivated_under_the_newer_term() {
    // The fence reports success without powering mn1 off: only the lease and the term
    // keep mn1 from writing when it wakes up.
    let mut sim = steady(Fence::Lies, false);
    sim.set_paused("mn1", true);
    assert!(sim
        .run_until(S(30), |s| s.role("mn2") == Role::Active)
        .is_some());
    sim.run_for(S(5));
    sim.set_paused("mn1", false);
    assert!(sim.node("mn1").m.may_write(sim.now, sim.term()).is_err());
    sim.run_for(S(60));
    assert_eq!(sim.role("mn1"), Role::Deactivated);
    assert!(!sim.node("mn1").vip);
    assert_eq!(sim.node("mn1").m.term(), 2);
    assert_eq!(sim.writers(), ["mn2"]);
}

#[test]
fn short_pause_past_the_lease_resumes_at_the_same_term() {
    let mut sim = steady(Fence::Kills, false);
    sim.set_paused("mn1", true);
    sim.run_for(S(7));
    sim.set_paused("mn1", false);
    assert!(
        sim.node("mn1").m.may_write(sim.now, sim.term()).is_err(),
        "lease expired"
    );
    sim.run_for(S(30));
    assert_eq!(
        (sim.role("mn1"), sim.role("mn2"), sim.term()),
        (Role::Active, Role::Standby, 1)
    );
    assert!(sim.fenced.is_empty());
}

#[test]
fn both_start_active_only_one_wins() {
    let mut sim = Sim::new(Timing::default(), Fence::Kills, false);
    sim.boot("mn2", Start::Active);
    sim.run_for(S(30));
    let active: Vec<_> = ["mn1", "mn2"]
        .into_iter()
        .filter(|n| sim.role(n) == Role::Active)
        .collect();
    assert_eq!(active, ["mn1"]);
    assert_eq!(sim.term(), 1);
}

#[test]
fn deactivated_node_never_takes_over() {
    let mut sim = steady(Fence::Kills, false);
    sim.admin("mn2", Admin::Deactivate);
    sim.kill("mn1");
    sim.run_for(S(60));
    assert_eq!(sim.role("mn2"), Role::Deactivated);
    sim.admin("mn2", Admin::Standby);
    assert!(sim
        .run_until(S(20), |s| s.role("mn2") == Role::Active)
        .is_some());
}

#[test]
fn restarted_active_serves_only_after_a_heartbeat() {
    let mut sim = steady(Fence::Kills, false);
    sim.kill("mn1");
    sim.isolate("mn1");
    sim.boot("mn1", Start::Active);
    assert_eq!(sim.role("mn1"), Role::Deactivated);
    sim.run_for(S(5));
    assert_eq!(
        sim.role("mn1"),
        Role::Deactivated,
        "isolated: no VIP, no writes"
    );
    assert!(!sim.node("mn1").vip);
    sim.heal_all();
    assert!(sim
        .run_until(S(3), |s| s.role("mn1") == Role::Active)
        .is_some());
    assert_eq!((sim.term(), sim.role("mn2")), (1, Role::Standby));
    assert!(sim.fenced.is_empty());
}
