//! The static table registry generated from `xcat-schema.json` by `build.rs`: every stock
//! table with its columns in schema order, keys, required columns, node key column, explicit
//! column types and the DB2 storage options. This is the only place identifiers come from.

/// One stock table as described by Schema.pm's `%tabspec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableDef {
    pub name: &'static str,
    /// Columns in schema order (the tabdump column order).
    pub cols: &'static [&'static str],
    /// Primary-key columns in order.
    pub keys: &'static [&'static str],
    /// Columns declared NOT NULL.
    pub required: &'static [&'static str],
    /// Schema.pm `nodecol`, when the node column is not called `node`.
    pub nodecol: Option<&'static str>,
    /// Column used for node/group lookups (`nodecol`, else `node` when the table has one).
    pub nodekey: Option<&'static str>,
    /// Explicit column types (all others are TEXT).
    pub types: &'static [(&'static str, &'static str)],
    /// DB2 tablespace.
    pub tablespace: Option<&'static str>,
    /// DB2 compression.
    pub compress: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/registry_gen.rs"));

impl TableDef {
    /// True if `col` is a schema column of this table.
    pub fn has_col(&self, col: &str) -> bool {
        self.cols.contains(&col)
    }
    /// True if `col` is part of the primary key.
    pub fn is_key(&self, col: &str) -> bool {
        self.keys.contains(&col)
    }
    /// True if `col` is declared NOT NULL.
    pub fn is_required(&self, col: &str) -> bool {
        self.required.contains(&col)
    }
    /// Explicit type of a column (`None` = default TEXT).
    pub fn col_type(&self, col: &str) -> Option<&'static str> {
        self.types.iter().find(|(c, _)| *c == col).map(|(_, t)| *t)
    }
    /// True for the two log tables whose inserts do not default missing keys to ''.
    pub fn is_log_table(&self) -> bool {
        self.name == "eventlog" || self.name == "auditlog"
    }
}

/// The schema table named `name`.
pub fn table(name: &str) -> Option<&'static TableDef> {
    table_index(name).map(|i| &TABLES[i])
}

/// Every schema table in Schema.pm source order (callers that print lists sort them).
pub fn tables() -> &'static [TableDef] {
    TABLES
}

/// True for a user table name stock would accept (`x_` prefix, identifier characters).
pub fn is_user_table_name(name: &str) -> bool {
    name.starts_with("x_")
        && name.len() > 2
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
