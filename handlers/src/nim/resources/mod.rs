//! NIM resources made on a service node, for mkdsklsnode's SN side
//! (handlers.md §3.3 steps 7 and 9) and nimnodeset (§5):
//!
//! * [`make_sn_resources`] — `make_SN_resource` (§3.6.2): NIM set-up, the
//!   NFSv4 domain, the nodes' networks, each osimage resource defined
//!   locally ([`define`]: locations, attributes, command layout; [`one`]:
//!   one resource);
//! * [`check_nim_networks`] — `checkNIMnetworks` (§3.6.5) on the shared
//!   network rule [`nimnet`] that xcat2nim uses too;
//! * [`chk_resolv_conf`] — §3.9, the resolv_conf resource of each node.

pub mod define;
pub mod make;
pub mod networks;
pub mod nimnet;
pub mod one;
pub mod resolv;

pub use make::{make_sn_resources, SnOutcome, SnResources};
pub use networks::check_nim_networks;
pub use resolv::{chk_resolv_conf, ResolvNode, ResolvParams, Resolver, SystemResolver};
