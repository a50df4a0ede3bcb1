//! Deleting the rows whose key is any of many values, as few set statements (not one
//! statement per value): `= ANY($1::text[])` with one array parameter per 10,000 values on
//! PostgreSQL, `IN (?, …)` lists inside the bind limit on SQLite. Values are always bound.

use super::conn::Conn;
use super::query::{quote_ident, DynQuery};
use super::set_attribs::{chunk_sizes, pg_text_array, PG_ARRAY_ROWS};
use super::{Backend, DbError};

impl Conn {
    /// Deletes every row of `table` whose `column` equals one of `values` (disabled rows
    /// included). Returns the number of rows deleted.
    pub fn delete_in(
        &mut self,
        table: &str,
        column: &str,
        values: &[&str],
    ) -> Result<usize, DbError> {
        self.require_writable()?;
        let tc = self.table_cols(table)?;
        let i = tc.require(column)?;
        let col = quote_ident(&tc.names[i]);
        let head = format!("DELETE FROM {} WHERE ", self.table_ref(table));
        let mut deleted = 0;
        match self.backend() {
            Backend::Pg => {
                let lhs = if tc.integer[i] {
                    format!("CAST({col} AS TEXT)")
                } else {
                    col
                };
                for chunk in values.chunks(PG_ARRAY_ROWS) {
                    let mut q = DynQuery::new(format!("{head}{lhs} = ANY(CAST("));
                    q.bind(Some(pg_text_array(chunk.iter().map(|v| Some(*v)))))
                        .sql(" AS TEXT[]))");
                    deleted += self.exec(q)?;
                }
            }
            Backend::Sqlite => {
                let mut done = 0;
                for size in chunk_sizes(values.len(), 1, Backend::Sqlite) {
                    let mut q = DynQuery::new(format!("{head}{col} IN ("));
                    for (n, v) in values[done..done + size].iter().enumerate() {
                        q.sql(if n == 0 { "" } else { ", " }).bind_str(v);
                    }
                    q.sql(")");
                    deleted += self.exec(q)?;
                    done += size;
                }
            }
        }
        Ok(deleted)
    }
}
