//! Getopt::Long as stock xCAT plugins and client scripts configure it: one
//! parser for every command's options, in the daemon's handlers (as
//! `xcat_handlers::getopt`) and in the clients.
//!
//! A command declares its options once, in Getopt::Long's own spec syntax,
//! and its `Getopt::Long::Configure` calls as a [`Config`]:
//!
//! ```
//! use xcat_getopt::{Config, Spec};
//! // DBobjectdefs.pm:29-30 and :487: bundling, no_ignore_case, no_pass_through.
//! const CONFIG: Config = Config::DEFAULT.bundling().no_ignore_case();
//! const SPECS: &[Spec] = &[
//!     Spec::new("help|h|?"),
//!     Spec::new("t=s"),
//!     Spec::new("w=s@"),
//!     Spec::new("template:s"),
//! ];
//! let p = CONFIG.parse(&["-t", "node", "-wa==b", "cn01"], SPECS).unwrap();
//! assert_eq!(p.str("t"), Some("node"));
//! assert_eq!(p.strs("w"), ["a==b"]);
//! assert!(!p.has("template"));
//! assert_eq!(p.rest, ["cn01"]);
//! ```
//!
//! What Getopt::Long does and this module does too: `--name=value`,
//! `--name value`, bundles of single letters under `bundling` (`-lS`,
//! `-tnode`, `-n5` with the rest of the bundle re-read as a word of its own),
//! single-dash long names without bundling, unique abbreviations
//! (`auto_abbrev`), case folding of long names (`ignore_case`), `+` as an
//! option prefix (`getopt_compat`), `--` ending the options, `-` as an
//! operand, operands mixed with options (`permute`) or ending them
//! (`require_order`), unrecognised words kept as operands (`pass_through`),
//! optional values (`:s`) left out before a word that looks like an option,
//! negatable (`!`) and counting (`+`) switches, and the warning texts
//! ("Unknown option: x", "Option t requires an argument", …), all of them
//! collected in order in [`Rejected`].
//!
//! Stock's `Configure` is process-global, so there the flags a command sees
//! also depend on which plugins were loaded before (several set
//! `$Getopt::Long::ignorecase = 0` at load time, e.g.
//! xCAT-server/lib/xcat/plugins/DBobjectdefs.pm:30).  Here each command gets
//! exactly the calls its own plugin makes, on top of Getopt::Long's defaults.

mod parsed;
mod scan;
mod spec;
#[cfg(test)]
mod tests;

pub use parsed::{Parsed, Rejected};
pub use spec::{Spec, Takes};

/// Getopt::Long's configuration flags (`Getopt::Long::Configure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Single-dash words are bundles of one-letter options (`-lS`).
    pub bundling: bool,
    /// Long names match in any case (single letters under bundling never do).
    pub ignore_case: bool,
    /// Unrecognised options are left in `rest` instead of refused.
    pub pass_through: bool,
    /// The first operand ends the options (`require_order`); else `permute`.
    pub require_order: bool,
    /// Long names may be abbreviated to a unique prefix.
    pub auto_abbrev: bool,
    /// `+` also starts an option.
    pub getopt_compat: bool,
}

impl Config {
    /// Getopt::Long's defaults (without `POSIXLY_CORRECT` in the environment).
    pub const DEFAULT: Config = Config {
        bundling: false,
        ignore_case: true,
        pass_through: false,
        require_order: false,
        auto_abbrev: true,
        getopt_compat: true,
    };

    /// `Configure("posix_default")`: the defaults under `POSIXLY_CORRECT`
    /// (options first, no abbreviations, no bundling, no `+` prefix).
    pub const fn posix_default(self) -> Config {
        Config {
            bundling: false,
            ignore_case: true,
            pass_through: false,
            require_order: true,
            auto_abbrev: false,
            getopt_compat: false,
        }
    }

    pub const fn bundling(mut self) -> Config {
        self.bundling = true;
        self
    }

    pub const fn no_bundling(mut self) -> Config {
        self.bundling = false;
        self
    }

    /// `no_ignore_case` (or `$Getopt::Long::ignorecase = 0`).
    pub const fn no_ignore_case(mut self) -> Config {
        self.ignore_case = false;
        self
    }

    pub const fn ignore_case(mut self) -> Config {
        self.ignore_case = true;
        self
    }

    pub const fn pass_through(mut self) -> Config {
        self.pass_through = true;
        self
    }

    pub const fn no_pass_through(mut self) -> Config {
        self.pass_through = false;
        self
    }

    pub const fn require_order(mut self) -> Config {
        self.require_order = true;
        self
    }

    pub const fn permute(mut self) -> Config {
        self.require_order = false;
        self
    }

    pub const fn auto_abbrev(mut self) -> Config {
        self.auto_abbrev = true;
        self
    }

    pub const fn no_auto_abbrev(mut self) -> Config {
        self.auto_abbrev = false;
        self
    }

    pub const fn no_getopt_compat(mut self) -> Config {
        self.getopt_compat = false;
        self
    }

    /// Parse `args` against `specs`: the options' values and the operands, or
    /// every warning Getopt::Long would print (it reads on after an error).
    pub fn parse<S: AsRef<str>>(
        self,
        args: &[S],
        specs: &'static [Spec],
    ) -> Result<Parsed, Rejected> {
        scan::Scan::new(self, args, specs).run()
    }
}
