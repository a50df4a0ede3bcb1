//! NIM resources made on a service node, for mkdsklsnode's SN side
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:11190, 11276) and nimnodeset (aixinstall.pm:772, 780):
//!
//! * [`make_sn_resources`] — `make_SN_resource` (aixinstall.pm:13042-13727):
//!   NIM set-up, the
//!   NFSv4 domain, the nodes' networks, each osimage resource defined
//!   locally ([`define`]: locations, attributes, command layout; [`one`]:
//!   one resource);
//! * [`check_nim_networks`] — `checkNIMnetworks` (aixinstall.pm:12773-13014)
//!   on the shared
//!   network rule [`nimnet`] that xcat2nim uses too;
//! * [`chk_resolv_conf`] — aixinstall.pm:4716-5219, the resolv_conf
//!   resource of each node.

pub mod define;
pub mod make;
pub mod networks;
pub mod nimnet;
pub mod one;
pub mod resolv;

pub use make::{make_sn_resources, SnOutcome, SnResources};
pub use networks::check_nim_networks;
pub use resolv::{chk_resolv_conf, ResolvNode, ResolvParams, Resolver, SystemResolver};
